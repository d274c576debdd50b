"""How our handlers read requests and keep one learner action counting once.

XBlock gives a handler no lock: in the LMS each request loads the learner's ``StudentModule`` row,
runs the handler and writes the whole row back at the end (the last writer wins). So:

* every state-changing learner request echoes the action token ``seq`` it was rendered with (the
  number of actions the server has accepted so far). The same token again is either an idempotent
  replay of the last action (same request: answered with the state it produced, counted nothing)
  or stale (HTTP 409 with the current view). Requests that race each other all read the same
  stored token, so identical ones compute the same next state and the row ends up holding one
  action, whichever writes last;
* attempts are counted from the stored state and refused at the maximum, and scores are clamped
  to the current maximum on read and on publish (``base.clamp_score``);
* within one server process (the workbench, a threaded LMS worker) a learner's actions on a block
  run one at a time, reading the state afresh under a lock and writing it before letting go;
* bodies are read here, with limits on size and nesting, so no body reaches ``json.loads``'s
  recursion and every bad request is a 400 with a message, never a 500.
"""

from __future__ import annotations

import functools
import hashlib
import json
import threading

from webob import Response
from xblock.core import XBlock
from xblock.exceptions import JsonHandlerError
from xblock.fields import Scope

from ..core.problems import ContentError
from ..core.safejson import JsonTooDeepError, loads

LEARNER_BODY_BYTES = 64 * 1024
STUDIO_BODY_BYTES = 4 * 1024 * 1024
_LOCKS = [threading.Lock() for _ in range(64)]  # striped: bounded memory, rare false sharing


def json_response(data, status: int = 200) -> Response:
    return Response(json.dumps(data), status=status, content_type="application/json", charset="utf8")


def read_json_body(block, request, limit: int):
    """The request's JSON, or a JsonHandlerError with a readable message (405 unless POST, else 400)."""
    _ = block._
    if request.method != "POST":
        raise JsonHandlerError(405, _("The request must be a POST."))
    body = request.body
    if len(body) > limit:
        raise JsonHandlerError(400, _("The request is too large."))
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError:
        raise JsonHandlerError(400, _("The request is not UTF-8 text.")) from None
    try:
        return loads(text)
    except JsonTooDeepError:
        raise JsonHandlerError(400, _("The request nests too deeply.")) from None
    except ValueError:
        raise JsonHandlerError(400, _("The request is not valid JSON.")) from None


def _error_response(error: JsonHandlerError) -> Response:
    return json_response({"error": error.message}, error.status_code)


# ------------------------------------------------------------------ learner actions

def _fingerprint(handler: str, data: dict) -> str:
    request = {k: v for k, v in data.items() if k != "seq"}
    return hashlib.sha256(json.dumps([handler, request], sort_keys=True).encode()).hexdigest()[:32]


def _lock_for(block) -> threading.Lock:
    key = f"{block.scope_ids.user_id}|{block.scope_ids.usage_id}"
    return _LOCKS[hash(key) % len(_LOCKS)]  # the locks are this process's, so is Python's string hash


def _forget_learner_state(block) -> None:
    """Drop cached learner fields so they are read afresh under the lock (XBlock caches on first read)."""
    cache = getattr(block, "_field_data_cache", None)
    if not cache:
        return
    for field in _learner_fields(type(block)):
        if field.name in cache and field not in block._dirty_fields:
            del cache[field.name]


@functools.cache
def _learner_fields(block_class) -> tuple:
    return tuple(field for field in block_class.fields.values() if field.scope == Scope.user_state)


def learner_action(func):
    """A learner handler that changes state: token checked, replayed or refused; body read safely.

    The wrapped method gets the JSON object and answers a dict (``html``, ``focus``, ``announce``);
    the block provides ``current_view()`` (the body HTML as it stands) for replays and refusals.
    """

    @XBlock.handler
    @functools.wraps(func)
    def wrapper(self, request, suffix=""):
        try:
            data = read_json_body(self, request, LEARNER_BODY_BYTES)
            if not isinstance(data, dict):
                raise JsonHandlerError(400, self._("The request must be a JSON object."))
            token = data.get("seq")
            if not isinstance(token, int) or isinstance(token, bool):
                raise JsonHandlerError(400, self._("The request is missing a valid \"{name}\".").format(name="seq"))
            with _lock_for(self):
                _forget_learner_state(self)
                answer, status = _act(self, func, data, token, suffix)
                self.save()  # written before another request of this learner may read it
            return json_response(answer, status)
        except JsonHandlerError as error:
            return _error_response(error)

    return wrapper


def _act(block, func, data: dict, token: int, suffix: str):
    stored = block.action_seq
    fingerprint = _fingerprint(func.__name__, data)
    if token == stored:
        answer = func(block, data, suffix)  # raises JsonHandlerError before changing anything
        block.action_seq = stored + 1
        block.last_action = {"key": fingerprint, "focus": answer.get("focus", ""),
                             "announce": answer.get("announce", "")}
        return {**answer, "seq": stored + 1}, 200
    last = block.last_action or {}
    if token == stored - 1 and last.get("key") == fingerprint:
        # The same request again (a retry, a double submit): what it did is already stored.
        return {"html": block.current_view(), "focus": last.get("focus", ""), "announce": last.get("announce", ""),
                "seq": stored, "replayed": True}, 200
    message = block._("This page was out of date. It now shows where you are; please try again.")
    return {"error": message, "html": block.current_view(), "focus": "", "seq": stored}, 409


# ------------------------------------------------------------------ Studio

def studio_handler(func):
    """A Studio editor handler: course staff only (403 otherwise), body read safely, content
    errors of any kind answered as a 400 with their message."""

    @XBlock.handler
    @functools.wraps(func)
    def wrapper(self, request, suffix=""):
        try:
            if not self.may_edit():
                raise JsonHandlerError(403, self._("Only the course team can edit this exercise."))
            data = read_json_body(self, request, STUDIO_BODY_BYTES)
            try:
                answer = func(self, data, suffix)
            except ContentError as error:
                lines = [p.format(None, self._) for p in error.problems]
                raise JsonHandlerError(400, "\n".join(lines) or self._("The content could not be read.")) from None
            except RecursionError:
                raise JsonHandlerError(400, self._("The content nests too deeply.")) from None
            return json_response(answer)
        except JsonHandlerError as error:
            return _error_response(error)

    return wrapper
