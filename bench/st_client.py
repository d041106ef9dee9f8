"""A Streamlit session spoken on its websocket, as the browser's frontend speaks it, without a browser.

`StSession` does what Streamlit 1.67's frontend does for one tab, minus drawing: it loads the
page and `/_stcore/health` for the cookies a browser would hold (our `ss_browser`, Streamlit's
`_streamlit_xsrf`), opens `<base>/_stcore/stream` with the subprotocols `streamlit, <xsrf
token>` and a same-origin `Origin`, sends `BackMsg.rerun_script` (ClientState: query string,
page script hash, widget states, context info) and reads ForwardMsgs until `script_finished`.
It announces no cached message hashes, so the server never answers with a `ref_hash` reference
(and `rerun` refuses one should it come). A run's elements are kept so a caller can find a
widget's id by label or key and read the texts shown.

Like the frontend's widget manager, the session keeps every shown widget's value (the default,
or the value the script set) and sends them all with each rerun, plus the caller's states: a
button press is the frontend's BackMsg for that press, not a bare trigger. Widget kinds other
than pills/segmented controls, text inputs and areas, date inputs and file uploaders (e.g. a
custom component) hold a value only once the caller gives one.
"""

from __future__ import annotations

import asyncio
import json
import time
import urllib.parse
import urllib.request
from dataclasses import dataclass, field
from http.cookies import SimpleCookie
from typing import Any

from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.Element_pb2 import Element
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg
from streamlit.proto.WidgetStates_pb2 import WidgetState
from websockets.asyncio.client import ClientConnection, connect
from websockets.typing import Origin, Subprotocol

TEXT_FIELDS = ("body", "label", "text")  # where elements carry what a person reads
HELD_KINDS = ("button_group", "text_input", "text_area", "date_input", "file_uploader")
EARLY = ForwardMsg.ScriptFinishedStatus.FINISHED_EARLY_FOR_RERUN


@dataclass
class Run:
    """One rerun as the phone saw it: elements in order, texts, seconds until a marker arrived."""

    elements: list[Element] = field(default_factory=list)
    texts: list[str] = field(default_factory=list)
    marked: float | None = None  # seconds from sending the BackMsg to the marker's arrival

    def widget_id(self, *, label: str | None = None, key: str | None = None,
                  kind: str | None = None) -> str:
        """Return the id of the first widget with this label, user key or element kind (KeyError)."""
        for element in self.elements:
            wid, proto = _widget_of(element)
            if wid and ((label is not None and getattr(proto, "label", None) == label)
                        or (key is not None and wid.endswith(f"-{key}"))
                        or (kind is not None and element.WhichOneof("type") == kind)):
                return wid
        raise KeyError(label or key or kind)


def element_texts(element: Element) -> list[str]:
    """Return the texts an element shows (markdown, alert, heading bodies; widget labels)."""
    kind = element.WhichOneof("type")
    proto = getattr(element, kind) if kind else None
    return [str(getattr(proto, name)) for name in TEXT_FIELDS
            if proto is not None and isinstance(getattr(proto, name, None), str)
            and getattr(proto, name)]


def _cookies_of(url: str, jar: dict[str, str]) -> None:
    """GET url as a browser would, with the cookies of jar; add the cookies it sets to jar."""
    request = urllib.request.Request(url, headers={
        "Cookie": "; ".join(f"{k}={v}" for k, v in jar.items()), "User-Agent": "st-client"})
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    with opener.open(request, timeout=30) as reply:
        reply.read()
        for header in reply.headers.get_all("Set-Cookie") or []:
            parsed: SimpleCookie = SimpleCookie()
            parsed.load(header.split(";", 1)[0])
            jar.update({name: morsel.value for name, morsel in parsed.items()})


class StSession:
    """One browser tab's Streamlit session over the websocket (use `async with`)."""

    def __init__(self, base: str, path_query: str = "/") -> None:
        self.base = base.rstrip("/")
        self.path_query = path_query  # what the tab loaded first, e.g. "/?t=<token>"
        self.cookies: dict[str, str] = {}
        self.page_script_hash = ""  # "" until the server names the page, as the frontend does
        self.socket: ClientConnection | None = None
        self.last = Run()
        self.widgets: dict[str, WidgetState] = {}  # what the frontend would hold, by widget id

    async def __aenter__(self) -> StSession:
        """Return the session once its websocket is open (page and health loaded first)."""
        await asyncio.to_thread(_cookies_of, self.base + self.path_query, self.cookies)
        await asyncio.to_thread(_cookies_of, self.base + "/_stcore/health", self.cookies)
        split = urllib.parse.urlsplit(self.base)
        xsrf = self.cookies.get("_streamlit_xsrf", "PLACEHOLDER_AUTH_TOKEN")
        self.socket = await connect(
            f"ws://{split.netloc}{split.path}/_stcore/stream", origin=Origin(f"http://{split.netloc}"),
            subprotocols=[Subprotocol("streamlit"), Subprotocol(xsrf)], proxy=None, ping_interval=None,
            max_size=64 * 2**20, max_queue=None, open_timeout=60, user_agent_header="st-client",
            additional_headers={"Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items())})
        return self

    async def __aexit__(self, *exc: object) -> None:
        """Close the websocket."""
        if self.socket is not None:
            await self.socket.close()

    def back_msg(self, query_string: str, widget_states: list[WidgetState]) -> bytes:
        """Return the serialized BackMsg.rerun_script the frontend would send for this rerun."""
        message = BackMsg()
        state = message.rerun_script
        state.query_string = query_string
        state.page_script_hash = self.page_script_hash
        given = {w.id: w for w in widget_states}
        state.widget_states.widgets.extend(
            [w for wid, w in self.widgets.items() if wid not in given] + list(given.values()))
        info = state.context_info
        info.timezone, info.timezone_offset, info.locale = "Asia/Shanghai", -480, "zh-CN"
        info.url = f"{self.base}/"  # the frontend's url leaves the query out
        info.is_embedded, info.color_scheme = False, "light"
        return message.SerializeToString()

    async def rerun(self, query_string: str, widget_states: list[WidgetState] | None = None,
                    marker: str | None = None, timeout: float = 600) -> Run:
        """Return the run a rerun_script BackMsg caused (read until its script_finished).

        With marker, Run.marked is the seconds from the BackMsg leaving to the first
        ForwardMsg that carries the marker's bytes (checked on arrival, before parsing).
        """
        assert self.socket is not None, "use `async with StSession(...)`"
        data = self.back_msg(query_string, list(widget_states or []))
        self.widgets.update({w.id: w for w in widget_states or []
                             if w.WhichOneof("value") not in ("trigger_value", "string_trigger_value")})
        needle = marker.encode() if marker else None
        run = Run()
        sent = time.perf_counter()
        await self.socket.send(data)
        async with asyncio.timeout(timeout):
            while True:
                raw = await self.socket.recv(decode=False)
                if needle is not None and run.marked is None and needle in raw:
                    run.marked = time.perf_counter() - sent
                if self._take(ForwardMsg.FromString(raw), run):
                    break
        shown = {_widget_of(element)[0] for element in run.elements}
        self.widgets = {wid: w for wid, w in self.widgets.items() if wid in shown}
        self.last = run
        return run

    def _take(self, msg: ForwardMsg, run: Run) -> bool:
        """Add one ForwardMsg to run; return True once the script has finished for good."""
        kind = msg.WhichOneof("type")
        if kind == "ref_hash":
            raise RuntimeError("the server referred to a cached message we never announced")
        if kind == "new_session" and msg.new_session.page_script_hash:
            self.page_script_hash = msg.new_session.page_script_hash
        elif kind == "navigation" and msg.navigation.page_script_hash:
            self.page_script_hash = msg.navigation.page_script_hash
        elif kind == "delta" and msg.delta.WhichOneof("type") == "new_element":
            element = msg.delta.new_element
            run.elements.append(element)
            run.texts += element_texts(element)
            wid, proto = _widget_of(element)
            state = _held_value(element.WhichOneof("type"), proto, self.widgets.get(wid))
            if wid and state is not None:
                self.widgets[wid] = state
        return kind == "script_finished" and msg.script_finished != EARLY


def _widget_of(element: Element) -> tuple[str, Any]:
    """Return (widget id or "", the element's proto)."""
    kind = element.WhichOneof("type")
    proto = getattr(element, kind) if kind else None
    return str(getattr(proto, "id", "") or ""), proto


def _held_value(kind: str | None, proto: Any, held: WidgetState | None) -> WidgetState | None:
    """Return the state the frontend holds for a shown widget: the script's value, else its own."""
    if kind not in HELD_KINDS or (held is not None and not getattr(proto, "set_value", False)):
        return held  # the frontend keeps what it has unless the script set a value
    state = WidgetState(id=proto.id)
    if kind == "button_group":
        state.string_array_value.data.extend(list(proto.raw_values) if proto.set_value else [
            proto.options[i].content for i in proto.default])
    elif kind == "date_input":
        state.string_array_value.data.extend(proto.value if proto.set_value else proto.default)
    elif kind == "file_uploader":
        state.file_uploader_state_value.SetInParent()
    else:  # text_input, text_area
        state.string_value = proto.value if proto.set_value else proto.default
    return state


def trigger(widget_id: str) -> WidgetState:
    """Return the widget state of a button press (a trigger, as the frontend sends it)."""
    return WidgetState(id=widget_id, trigger_value=True)


def json_state(widget_id: str, value: Any) -> WidgetState:
    """Return a widget state holding a JSON value (what a custom component sends)."""
    return WidgetState(id=widget_id, json_value=json.dumps(value, separators=(",", ":")))
