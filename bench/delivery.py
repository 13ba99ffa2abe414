"""Guide delivery throughput: `POST /sdk/v1/session` against a bare Starlette endpoint that
returns the same bytes, both under uvicorn with the same settings, driven by the same client.

    .venv/bin/python bench/delivery.py [--seconds 10] [--connections 16] [--rounds 2]

The Signpost server runs `signpost serve` on a fresh SQLite database seeded with the demo app
and guides; every request is a returning user (the answer includes their guide states), the
common case. Rounds alternate between the two servers so that the machine's noise hits both;
the ratio (Signpost / bare) is the figure to compare across runs (issue 7 aims for >= 0.6).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

BARE_APP = """
import os
from starlette.applications import Starlette
from starlette.responses import Response
from starlette.routing import Route

BODY = open(os.environ["BENCH_BODY"], "rb").read()
HEADERS = {"Cache-Control": "no-store", "Access-Control-Allow-Origin": os.environ["BENCH_ORIGIN"],
           "Access-Control-Expose-Headers": "Retry-After", "Vary": "Origin"}

async def session(request):
    await request.body()
    return Response(BODY, media_type="application/json", headers=HEADERS)

app = Starlette(routes=[Route("/sdk/v1/session", session, methods=["POST"]),
                        Route("/healthz", lambda r: Response("ok"))])
"""


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def wait_up(url: str, process: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit(f"server exited with {process.returncode}")
        try:
            with urllib.request.urlopen(f"{url}/healthz", timeout=1):
                return
        except OSError:
            time.sleep(0.1)
    raise SystemExit(f"{url} did not come up")


def post(url: str, body: bytes, origin: str) -> bytes:
    request = urllib.request.Request(
        f"{url}/sdk/v1/session",
        data=body,
        headers={"Content-Type": "text/plain;charset=UTF-8", "Origin": origin},
    )
    with urllib.request.urlopen(request, timeout=5) as response:
        return response.read()


async def one_connection(port: int, request: bytes, stop_at: float, latencies: list[float]) -> int:
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    done = 0
    try:
        while time.perf_counter() < stop_at:
            started = time.perf_counter()
            writer.write(request)
            await writer.drain()
            status = await reader.readline()
            if not status.startswith(b"HTTP/1.1 200"):
                raise SystemExit(f"unexpected answer: {status!r}")
            length = -1
            while True:  # headers
                line = await reader.readline()
                if line in (b"\r\n", b""):
                    break
                name, _, value = line.partition(b":")
                if name.lower() == b"content-length":
                    length = int(value)
            await reader.readexactly(length)
            latencies.append(time.perf_counter() - started)
            done += 1
    finally:
        writer.close()
    return done


async def load(port: int, body: bytes, origin: str, seconds: float, connections: int):
    request = (
        f"POST /sdk/v1/session HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nOrigin: {origin}\r\n"
        f"Content-Type: text/plain;charset=UTF-8\r\nContent-Length: {len(body)}\r\n\r\n"
    ).encode() + body
    latencies: list[float] = []
    stop_at = time.perf_counter() + seconds
    counts = await asyncio.gather(
        *(one_connection(port, request, stop_at, latencies) for _ in range(connections))
    )
    return sum(counts) / seconds, latencies


def cpu_seconds(pid: int) -> float:
    """User and system CPU time the process has used (Linux /proc): its cost per request is
    steadier than throughput on a shared machine, where other work takes turns on the cores."""
    fields = Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=float, default=10)
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--rounds", type=int, default=2)
    args = parser.parse_args()

    workdir = Path(tempfile.mkdtemp(prefix="signpost-bench-"))
    signpost_port, bare_port = free_port(), free_port()
    env = {
        **os.environ,
        "SIGNPOST_DATA_DIR": str(workdir),
        "SIGNPOST_PORT": str(signpost_port),
        "SIGNPOST_LOG_LEVEL": "warning",
        "SIGNPOST_DEMO": "true",
        "SIGNPOST_CLIENT_RATE_PER_SECOND": "0",  # all requests come from one address
        "SIGNPOST_SESSION_RATE_PER_SECOND": "0",  # and for one app key
    }
    processes = []
    try:
        signpost = subprocess.Popen(
            [sys.executable, "-m", "server.cli", "demo"],
            env=env,
            cwd=ROOT,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        processes.append(signpost)
        signpost_url = f"http://127.0.0.1:{signpost_port}"
        wait_up(signpost_url, signpost)

        from guides import store
        from server.db import Database
        from server.demo.seed import DEMO_APP_NAME

        database = Database(f"sqlite:///{workdir / 'signpost.db'}")
        with database.read() as session:
            app = store.app_by_name(session, DEMO_APP_NAME)
            assert app is not None
            key, origin = app.public_key, app.allowed_origins[0]
        database.dispose()
        body = json.dumps(
            {
                "app_key": key,
                "user_id": "bench-user",
                "traits": {"plan": "pro"},
                "url": f"{origin}/demo",
                "locale": "en",
            }
        ).encode()
        answer = post(signpost_url, body, origin)  # creates the user: later requests only read
        guides = len(json.loads(answer)["guides"])
        (workdir / "body.json").write_bytes(answer)
        (workdir / "bare_app.py").write_text(BARE_APP)

        bare = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "uvicorn",
                "bare_app:app",
                "--port",
                str(bare_port),
                "--log-level",
                "warning",
                "--proxy-headers",
                "--no-server-header",
            ],
            env={**env, "BENCH_BODY": str(workdir / "body.json"), "BENCH_ORIGIN": origin},
            cwd=workdir,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        processes.append(bare)
        wait_up(f"http://127.0.0.1:{bare_port}", bare)
        assert post(f"http://127.0.0.1:{bare_port}", body, origin) == answer

        print(f"answer: {len(answer)} bytes, {guides} guides; {args.connections} connections")
        results: dict[str, list[float]] = {"signpost": [], "bare": []}
        latencies: dict[str, list[float]] = {"signpost": [], "bare": []}
        cpu: dict[str, list[float]] = {"signpost": [], "bare": []}
        servers = (("signpost", signpost_port, signpost.pid), ("bare", bare_port, bare.pid))
        for round_number in range(1, args.rounds + 1):
            for name, port, pid in servers:
                used = cpu_seconds(pid)
                rate, lat = asyncio.run(load(port, body, origin, args.seconds, args.connections))
                per_request = (cpu_seconds(pid) - used) / (rate * args.seconds)
                results[name].append(rate)
                latencies[name] += lat
                cpu[name].append(per_request)
                print(
                    f"round {round_number} {name:<8} {rate:8.0f} req/s  "
                    f"p50 {percentile(lat, 0.5) * 1000:6.2f} ms  "
                    f"p99 {percentile(lat, 0.99) * 1000:6.2f} ms  "
                    f"server CPU {per_request * 1e6:5.0f} us/request"
                )
        signpost_rate = statistics.median(results["signpost"])
        bare_rate = statistics.median(results["bare"])
        print(
            f"\nsignpost {signpost_rate:.0f} req/s (p99 "
            f"{percentile(latencies['signpost'], 0.99) * 1000:.2f} ms), bare {bare_rate:.0f}"
            f" req/s (p99 {percentile(latencies['bare'], 0.99) * 1000:.2f} ms)"
        )
        print(f"ratio signpost/bare: {signpost_rate / bare_rate:.2f} (target >= 0.6)")
        signpost_cpu, bare_cpu = statistics.median(cpu["signpost"]), statistics.median(cpu["bare"])
        print(
            f"server CPU per request: signpost {signpost_cpu * 1e6:.0f} us, bare "
            f"{bare_cpu * 1e6:.0f} us; ratio bare/signpost {bare_cpu / signpost_cpu:.2f} (the "
            "throughput ratio a machine with a core to spare for each server would show)"
        )
    finally:
        for process in processes:
            process.terminate()
            process.wait(timeout=10)


if __name__ == "__main__":
    main()
