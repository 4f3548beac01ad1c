#!/usr/bin/env python3
"""Holds N idle and M slow connections open against a server for S seconds: idle ones send
nothing; slow ones send headers announcing a body and then half of it (or only "PO").
Prints how many were still open at the end. Usage: slow_clients.py PORT IDLE SLOW SECONDS"""
import socket, sys, time

port, idle, slow, seconds = int(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3]), float(sys.argv[4])
socks = []
for i in range(idle + slow):
    s = socket.create_connection(("127.0.0.1", port))
    s.setblocking(False)
    if i >= idle:
        if i % 2:
            s.send(b"POST /predict HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                   b"Content-Length: 100000\r\n\r\n{\"input\": [")
        else:
            s.send(b"PO")
    socks.append(s)
print(f"opened {len(socks)} connections", flush=True)
time.sleep(seconds)
open_ = 0
for s in socks:
    try:
        data = s.recv(1)
        open_ += 0 if data == b"" else 1  # an answer (408) came: counted as still open only if no EOF
    except BlockingIOError:
        open_ += 1
    except OSError:
        pass
print(f"still open after {seconds:.0f} s: {open_}", flush=True)
