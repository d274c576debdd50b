"""Our templates compiled once into Python closures, instead of interpreted by Django's engine on each render.

Django's engine walks a template's node tree on every render and resolves each ``{{ }}`` through several layers
(the context stack, lookups by trial and error, localisation, escaping): a few microseconds a node, most of a
handler's time once the blocks' own work is done. :func:`compiled` takes the node tree of a template *parsed by
Django* (the syntax, the parsing and its errors stay Django's) and turns it into nested closures over a plain
dict. It covers what our templates use, with Django's semantics: text; ``{{ a.b.c }}`` (dict key, attribute or
index; callables called; a missing variable prints nothing) with ``|safe``, autoescaped like Django does;
``{% if %}``/``elif``/``else`` with Django's operators (an operator that fails is false); ``{% for %}`` with
``forloop``; ``{% include "name" with a=b %}``. A template with any other tag or filter is left to Django.
"""

from __future__ import annotations

import html
import inspect

from django.template import Context
from django.template.base import FilterExpression, TextNode, Variable, VariableNode
from django.template.base import render_value_in_context as django_value
from django.template.defaultfilters import safe as safe_filter
from django.template.defaulttags import ForNode, IfNode, TemplateLiteral
from django.template.loader_tags import IncludeNode
from django.utils.safestring import SafeData, SafeString, mark_safe

_BUILTINS = {"True": True, "False": False, "None": None}  # what a Django Context always holds
_VALUE_CONTEXT = Context(autoescape=True, use_l10n=False)  # how Django prints a value that is not text


class NotCompiledError(Exception):
    """A node, filter or expression the compiler leaves to Django."""


class _MissingError(Exception):  # a variable the scope does not have
    pass


def _text(value) -> str:
    """A value as a ``{{ }}`` prints it: text autoescaped (markup marked safe kept), anything else as Django does."""
    if type(value) is str:
        return html.escape(value)
    if isinstance(value, SafeData):
        return value
    return django_value(value, _VALUE_CONTEXT)


def _lookup(first: str, bits: tuple):
    """Django's ``Variable._resolve_lookup`` over a plain dict scope."""
    def resolve(scope):
        try:
            current = scope[first]
        except KeyError:
            raise _MissingError from None
        if callable(current):
            current = _called(current)
        for bit in bits:
            try:
                if not hasattr(type(current), "__getitem__"):
                    raise TypeError
                current = current[bit]
            except (TypeError, AttributeError, KeyError, ValueError, IndexError):
                try:
                    current = getattr(current, bit)
                except (TypeError, AttributeError):
                    try:
                        current = current[int(bit)]
                    except (IndexError, ValueError, KeyError, TypeError):
                        raise _MissingError from None
            if callable(current):
                current = _called(current)
        return current
    return resolve


def _called(value):
    """A callable found by a lookup, called as Django calls it."""
    if getattr(value, "do_not_call_in_templates", False):
        return value
    if getattr(value, "alters_data", False):
        return ""
    try:
        return value()
    except TypeError:
        try:
            inspect.signature(value).bind()
        except TypeError:  # it needs arguments: printed as a missing variable
            return ""
        raise


def _expression(expression: FilterExpression):
    """A ``FilterExpression`` as a function of the scope; raises ``_MissingError`` for a missing variable."""
    var = expression.var
    if isinstance(var, Variable):
        if var.translate or var.message_context:
            raise NotCompiledError("a translated literal")
        if var.lookups is None:
            constant = var.literal
            value = lambda scope: constant  # noqa: E731
        else:
            value = _lookup(var.lookups[0], tuple(var.lookups[1:]))
    else:
        constant = var
        value = lambda scope: constant  # noqa: E731
    filters = expression.filters
    if not filters:
        return value
    if len(filters) == 1 and filters[0][0] is safe_filter and not filters[0][1]:
        return lambda scope: mark_safe(str(value(scope)))
    raise NotCompiledError("a filter other than safe")


def _lenient(expression: FilterExpression):
    """The value as ``{% if %}`` and ``{% for %}`` read it: a missing variable is None."""
    resolve = _expression(expression)

    def value(scope):
        try:
            return resolve(scope)
        except _MissingError:
            return None
    return value


def _strict(expression: FilterExpression):
    """The value as ``{{ }}`` and ``include ... with`` read it: a missing variable is the empty string."""
    resolve = _expression(expression)

    def value(scope):
        try:
            return resolve(scope)
        except _MissingError:
            return ""
    return value


_OPERATORS = {
    "==": lambda x, y: x == y, "!=": lambda x, y: x != y, "in": lambda x, y: x in y,
    "not in": lambda x, y: x not in y, "is": lambda x, y: x is y, "is not": lambda x, y: x is not y,
    ">": lambda x, y: x > y, ">=": lambda x, y: x >= y, "<": lambda x, y: x < y, "<=": lambda x, y: x <= y,
}


def _condition(condition):
    """An ``{% if %}`` condition (Django's parsed operator tree) as a function of the scope."""
    if isinstance(condition, TemplateLiteral):
        return _lenient(condition.value)
    kind = getattr(condition, "id", None)
    first = _condition(condition.first)
    if kind == "not":
        return lambda scope: not first(scope)
    second = _condition(condition.second)
    if kind == "and":
        return lambda scope: first(scope) and second(scope)
    if kind == "or":
        return lambda scope: first(scope) or second(scope)
    compare = _OPERATORS.get(kind)
    if compare is None:
        raise NotCompiledError(f"the operator {kind!r}")

    def evaluate(scope):
        try:
            return compare(first(scope), second(scope))
        except Exception:  # as Django: an operator that cannot apply is false
            return False
    return evaluate


def _nodes(nodelist, engine):
    """A node list as one function of the scope that answers its text."""
    parts = [_node(node, engine) for node in nodelist]
    if len(parts) == 1:
        return parts[0]
    return lambda scope: "".join([part(scope) for part in parts])


def _node(node, engine):
    kind = type(node)
    if kind is TextNode:
        text = node.s
        return lambda scope: text
    if kind is VariableNode:
        value = _expression(node.filter_expression)

        def variable(scope):
            try:
                found = value(scope)
            except _MissingError:
                return ""
            return html.escape(found) if type(found) is str else _text(found)
        return variable
    if kind is IfNode:
        branches = [(_condition(c) if c is not None else None, _nodes(n, engine)) for c, n in node.conditions_nodelists]

        def if_(scope):
            for condition, body in branches:
                if condition is None or condition(scope):
                    return body(scope)
            return ""
        return if_
    if kind is ForNode:
        return _for(node, engine)
    if kind is IncludeNode:
        return _include(node, engine)
    raise NotCompiledError(f"the node {kind.__name__}")


def _for(node, engine):
    if node.is_reversed or len(node.loopvars) != 1 or node.nodelist_empty:
        raise NotCompiledError("a reversed, unpacking or empty for loop")
    sequence = _lenient(node.sequence)
    name = node.loopvars[0]
    body = _nodes(node.nodelist_loop, engine)

    def for_(scope):
        values = sequence(scope)
        if values is None:
            return ""
        if not hasattr(values, "__len__"):
            values = list(values)
        total = len(values)
        loop = {"parentloop": scope.get("forloop", {})}
        inner = {**scope, "forloop": loop}
        out = []
        for index, item in enumerate(values):
            loop.update(counter0=index, counter=index + 1, revcounter=total - index, revcounter0=total - index - 1,
                        first=index == 0, last=index == total - 1)
            inner[name] = item
            out.append(body(inner))
        return "".join(out)
    return for_


def _include(node, engine):
    if node.template.filters or isinstance(node.template.var, Variable):
        raise NotCompiledError("an include of a template named by a variable")
    included = compiled(engine, node.template.var)
    values = {name: _strict(expression) for name, expression in node.extra_context.items()}
    isolated = node.isolated_context

    def include(scope):
        extra = {name: value(scope) for name, value in values.items()}
        return included.render_scope({**_BUILTINS, **extra} if isolated else {**scope, **extra})
    return include


class CompiledTemplate:
    def __init__(self, template, engine):
        self.name = template.origin.template_name
        self._render = _nodes(template.nodelist, engine)

    def render(self, context: dict) -> SafeString:
        return mark_safe(self._render({**_BUILTINS, **context}))

    def render_scope(self, scope: dict) -> str:
        return self._render(scope)


class DjangoTemplate:
    """A template the compiler does not cover, rendered by Django as before."""

    def __init__(self, template):
        self.template = template

    def render(self, context: dict) -> SafeString:
        return self.template.render(Context(context, autoescape=True, use_l10n=False))

    def render_scope(self, scope: dict) -> str:
        return self.render(scope)


_COMPILED: dict = {}


def compiled(engine, name: str):
    """The template ``name`` of ``engine``, compiled once per process (or Django's, if not covered)."""
    key = (id(engine), name)
    if key not in _COMPILED:
        template = engine.get_template(name)
        try:
            _COMPILED[key] = CompiledTemplate(template, engine)
        except NotCompiledError:
            _COMPILED[key] = DjangoTemplate(template)
    return _COMPILED[key]
