"""Python's `websockets` client for tests/integration/websocket.test.ts.

The scenarios of tests/helpers/ws-scenarios.ts, one for one, with the same JSON results;
prints `RESULT <json>` on one line. Written for websockets 10 (Debian 12's python3-websockets),
whose client API is asyncio only. Usage: `python3 websocket-client.py '<ScenarioConfig json>'`.
"""
import asyncio
import json
import sys

import websockets

TIMEOUT = 10
BIG_TEXT_REPEAT = 209_716


def pattern(length):
    return bytes(((i * 31 + 7) & 255) for i in range(length))


def describe(message):
    if isinstance(message, str):
        return f"text {len(message.encode())}"
    return f"binary {len(message)}"


async def connect(url, protocols=None):
    # No keepalive pings of the client's own (the /cmd app answers pings); no size limit of its own.
    return await asyncio.wait_for(
        websockets.connect(url, subprotocols=protocols, max_size=None, ping_interval=None, close_timeout=TIMEOUT),
        TIMEOUT,
    )


async def recv(ws):
    return await asyncio.wait_for(ws.recv(), TIMEOUT)


async def closed(ws):
    """What the client saw of the close (websockets has no wasClean: a close frame both ways is clean)."""
    await asyncio.wait_for(ws.wait_closed(), TIMEOUT)
    return {"code": ws.close_code, "reason": ws.close_reason, "wasClean": ws.close_code != 1006}


async def close(ws, code=1000, reason=""):
    await asyncio.wait_for(ws.close(code, reason), TIMEOUT)
    return await closed(ws)


def at(base, path, config, name, query=""):
    return f"{base}{path}?id={config['id']}-{name}{query}"


async def echo(config):
    ws = await connect(at(config["url"], "/echo", config, "echo"))
    sent = ["hello", "héllo wörld ✓ 🎉", "", pattern(256), pattern(1 << 20), "ab✓" * BIG_TEXT_REPEAT]
    seen = []
    for message in sent:
        await ws.send(message)
        back = await recv(ws)
        seen.append(f"{describe(back)} {'same' if back == message else 'different'}")
    await close(ws)
    return seen


async def subprotocol(config):
    offered = await connect(at(config["url"], "/cmd", config, "proto"), ["chat.v1", "chat.v2"])
    await offered.send("info")
    server = json.loads(await recv(offered))["protocol"]
    none = await connect(at(config["url"], "/cmd", config, "noproto"))
    await none.send("info")
    server_none = json.loads(await recv(none))["protocol"]
    await close(offered)
    await close(none)
    return {
        "client": offered.subprotocol or "",
        "server": server,
        "withoutOffer": {"client": none.subprotocol or "", "server": server_none},
    }


async def cookie(config):
    first = await connect(at(config["url"], "/cmd", config, "cookie"))
    header = ", ".join(first.response_headers.get_all("Set-Cookie"))
    second = await connect(at(config["url"], "/cmd", config, "cookie2"))
    await second.send("info")
    sent_back = json.loads(await recv(second))["cookie"]
    await close(first)
    await close(second)
    return {"header": header, "sentBack": sent_back}


async def close_by_client(config):
    ws = await connect(at(config["url"], "/cmd", config, "cclose"))
    return await close(ws, 4000, "client bye ✓")


async def close_by_server(config):
    ws = await connect(at(config["url"], "/cmd", config, "sclose"))
    await ws.send("close 4001 au revoir ✓")
    return await closed(ws)


async def too_big(config):
    ws = await connect(at(config["url"], "/echo", config, "big"))
    try:
        await ws.send(pattern(config["maxPayloadLength"] + 1))
    except websockets.ConnectionClosed:
        pass  # the server may close before the whole message is written
    return {"code": (await closed(ws))["code"]}


async def server_ping(config):
    ws = await connect(at(config["url"], "/cmd", config, "sping"))
    await ws.send("ping hello-ping")
    reply = await recv(ws)
    await close(ws)
    return reply


async def client_ping(config):
    ws = await connect(at(config["url"], "/cmd", config, "cping"))
    # websockets matches the pong to the ping by its data: the waiter resolves only on a pong carrying b"p1".
    waiter = await ws.ping(b"p1")
    await asyncio.wait_for(waiter, TIMEOUT)
    handler = await recv(ws)
    await close(ws)
    return {"pong": "p1", "handler": handler}


async def going_away(config):
    ws = await connect(at(config["closableUrl"], "/cmd", config, "away"))
    await ws.send("shutdown")
    return await closed(ws)


async def signal(config):
    ws = await connect(at(config["url"], "/cmd", config, "signal"))
    await ws.send("info")
    while_open = json.loads(await recv(ws))["signalAborted"]
    await close(ws)
    return {"whileOpen": while_open}


async def pubsub(config):
    topic = f"room-{config['id']}"
    a, b, c = [await connect(at(config["url"], "/cmd", config, f"sub-{name}")) for name in "abc"]
    everyone = [a, b, c]
    for ws in everyone:
        await ws.send(f"subscribe {topic}")
    acks = [await recv(ws) for ws in everyone]
    await a.send(f"publish {topic} hello from a")
    others = [await recv(b), await recv(c)]
    await a.send(f"count {topic}")
    a_next = await recv(a)
    await c.send(f"server-publish {topic} to all")
    to_all = [await recv(ws) for ws in everyone]
    await close(b)
    await a.send(f"count {topic}")
    after = await recv(a)
    await close(a)
    await close(c)
    return {"acks": acks, "others": others, "aNext": a_next, "everyone": to_all, "after": after}


async def compression(config):
    ws = await connect(at(config["proxyUrl"], "/echo", config, "deflate", "&compress=1"))
    sent = ["ab✓" * BIG_TEXT_REPEAT, bytes(1 << 16), "small"]
    seen = []
    for message in sent:
        await ws.send(message)
        back = await recv(ws)
        seen.append(f"{describe(back)} {'same' if back == message else 'different'}")
    names = [extension.name for extension in ws.extensions]
    await close(ws)
    return {"extensions": names[0] if names else "", "echoes": seen}


SCENARIOS = {
    "echo": echo,
    "subprotocol": subprotocol,
    "cookie": cookie,
    "close-by-client": close_by_client,
    "close-by-server": close_by_server,
    "too-big": too_big,
    "server-ping": server_ping,
    "client-ping": client_ping,
    "going-away": going_away,
    "signal": signal,
    "pubsub": pubsub,
    "compression": compression,
}


async def main():
    config = json.loads(sys.argv[1])
    results = {}
    for name, scenario in SCENARIOS.items():
        try:
            results[name] = await scenario(config)
        except Exception as error:  # recorded, as the JavaScript runner does
            results[name] = {"error": f"{type(error).__name__}: {error}"}
    print("RESULT " + json.dumps(results, ensure_ascii=False), flush=True)


asyncio.run(main())
