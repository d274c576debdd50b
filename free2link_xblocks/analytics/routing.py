"""Our xAPI transformers in edx-event-routing-backends' registry. Imported by apps.py once the router is
installed: the router's base class gives the anonymous actor, the statement id, the timestamp and the course
context; xapi.py gives what is ours (verb, object type and name, result, registration)."""

from django.conf import settings
from event_routing_backends.processors.xapi.registry import XApiTransformersRegistry
from event_routing_backends.processors.xapi.transformer import XApiTransformer
from tincan import Activity, ActivityDefinition, Result, Verb

from free2link_xblocks.analytics import xapi


class Free2LinkTransformer(XApiTransformer):
    additional_fields = ("result",)

    @property
    def event_name(self) -> str:
        return self.get_data("name", True)

    def get_verb(self):
        return Verb(xapi.verb(self.event_name))

    def usage_key(self) -> str:
        return self.get_data("context.module.usage_key") or self.get_data("usage_key", True)

    def get_object(self):
        return Activity(id=xapi.block_iri(settings.LMS_ROOT_URL, self.usage_key()),
                        definition=ActivityDefinition(xapi.activity_definition(
                            self.event_name, self.get_data("context.module.display_name"))))

    def get_result(self):
        return Result(xapi.drop_empty(xapi.result(self.event_name, self.get_data("data", True))))

    def get_context(self):
        context = super().get_context()
        context.registration = xapi.registration(self.get_actor().to_json(), self.usage_key(),
                                                 self.get_data("data.attempt"))
        return context


for _name in xapi.EVENTS:
    XApiTransformersRegistry.register(_name)(Free2LinkTransformer)
