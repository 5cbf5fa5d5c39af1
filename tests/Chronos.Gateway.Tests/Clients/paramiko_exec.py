"""Runs one command over paramiko against the Gateway; prints stdout, exits with the remote status.

argv: port user (password|-) (keyfile|-) command [kex] [cipher] [mac] [hostkey]
"""
import sys
import paramiko

port, user, password, keyfile, command = sys.argv[1:6]
kex, cipher, mac, hostkey = (sys.argv[6:10] + ["-"] * 4)[:4]

sock_transport = paramiko.Transport(("127.0.0.1", int(port)))
options = sock_transport.get_security_options()
if kex != "-":
    options.kex = [kex]
if cipher != "-":
    options.ciphers = [cipher]
if mac != "-":
    options.digests = [mac]
if hostkey != "-":
    options.key_types = [hostkey]
sock_transport.start_client(timeout=30)
if keyfile != "-":
    key = paramiko.PKey.from_path(keyfile) if hasattr(paramiko.PKey, "from_path") else None
    if key is None:
        for cls in (paramiko.Ed25519Key, paramiko.ECDSAKey, paramiko.RSAKey):
            try:
                key = cls.from_private_key_file(keyfile)
                break
            except Exception:
                continue
    sock_transport.auth_publickey(user, key)
else:
    sock_transport.auth_password(user, password)
channel = sock_transport.open_session()
channel.exec_command(command)
out = channel.makefile("rb").read()
status = channel.recv_exit_status()
sys.stdout.write(out.decode())
sys.stdout.write("negotiated=%s,%s,%s,%s\n" % (sock_transport.kex_engine.__class__.__name__ if sock_transport.kex_engine else "", sock_transport.remote_cipher, sock_transport.remote_mac, sock_transport.host_key_type))
sock_transport.close()
sys.exit(status)
