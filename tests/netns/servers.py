#!/usr/bin/python3
# Test servers, inside a network namespace the test made: for every
# ADDRESS:PORT argument a TCP server that answers "ok\n" to each connection,
# and a UDP server that answers every datagram. Runs until killed.
import socket, sys, threading

def tcp(addr, port):
    fam = socket.AF_INET6 if ":" in addr else socket.AF_INET
    s = socket.socket(fam, socket.SOCK_STREAM)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    if fam == socket.AF_INET6:
        s.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 1)
    s.bind((addr, port))
    s.listen(128)
    while True:
        c, _ = s.accept()
        try:
            c.sendall(b"ok\n")
        finally:
            c.close()

def udp(addr, port):
    fam = socket.AF_INET6 if ":" in addr else socket.AF_INET
    s = socket.socket(fam, socket.SOCK_DGRAM)
    s.bind((addr, port))
    while True:
        data, peer = s.recvfrom(2048)
        s.sendto(b"ok\n", peer)

for arg in sys.argv[1:]:
    addr, port = arg.rsplit(":", 1)
    addr = addr.strip("[]")
    threading.Thread(target=tcp, args=(addr, int(port)), daemon=True).start()
    threading.Thread(target=udp, args=(addr, int(port)), daemon=True).start()
print("ready", flush=True)
threading.Event().wait()
