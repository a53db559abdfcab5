"""A real SMTP server (aiosmtpd) for the SMTP sender's tests, on a loopback port.

Run with Debian's own /usr/bin/python3 (python3-aiosmtpd). Every accepted message is saved as
<n>.eml (the raw message) and <n>.json (envelope, TLS, login and the client's port, which tells
connections apart) in --dir, written atomically; every RCPT and its answer code is appended to
rcpt.log. Behaviour is chosen by the recipient's local part:
  reject*   -> 550 at RCPT (a permanent refusal)
  tempfail* -> 451 at RCPT the first --tempfail-times times for that address, then accepted
  drop*     -> accepted, then the server closes the connection (as an idle timeout would)
Prints READY when it listens.
"""
import argparse
import asyncio
import json
import os
import ssl

from aiosmtpd.smtp import SMTP, AuthResult, LoginPassword


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--dir", required=True)
    parser.add_argument("--cert")
    parser.add_argument("--key")
    parser.add_argument("--implicit-tls", action="store_true")
    parser.add_argument("--user")
    parser.add_argument("--password")
    parser.add_argument("--tempfail-times", type=int, default=1)
    args = parser.parse_args()

    tempfails = {}
    counter = [0]

    class Handler:
        async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
            answer = self.answer(address)
            with open(os.path.join(args.dir, "rcpt.log"), "a") as f:
                f.write("%s %s\n" % (address, answer[:3]))
            if answer.startswith("250"):
                envelope.rcpt_tos.append(address)
            return answer

        def answer(self, address):
            local = address.split("@")[0].lower()
            if local.startswith("reject"):
                return "550 5.1.1 <%s>: mailbox unavailable" % address
            if local.startswith("tempfail"):
                seen = tempfails.get(address, 0)
                if seen < args.tempfail_times:
                    tempfails[address] = seen + 1
                    return "451 4.3.0 <%s>: try again later" % address
            return "250 OK"

        async def handle_DATA(self, server, session, envelope):
            counter[0] += 1
            name = os.path.join(args.dir, "%06d" % counter[0])
            meta = {
                "mail_from": envelope.mail_from,
                "rcpt_tos": envelope.rcpt_tos,
                "client_port": session.peer[1],
                "tls": session.ssl is not None,
                "login": session.auth_data.login.decode() if isinstance(session.auth_data, LoginPassword) else None,
            }
            with open(name + ".eml.tmp", "wb") as f:
                f.write(envelope.original_content)
            os.rename(name + ".eml.tmp", name + ".eml")
            with open(name + ".json.tmp", "w") as f:
                json.dump(meta, f)
            os.rename(name + ".json.tmp", name + ".json")
            if any(r.split("@")[0].lower().startswith("drop") for r in envelope.rcpt_tos):
                asyncio.get_running_loop().call_later(0.05, server.transport.close)
            return "250 OK queued"

    def authenticator(server, session, envelope, mechanism, auth_data):
        ok = (isinstance(auth_data, LoginPassword)
              and auth_data.login.decode() == args.user
              and auth_data.password.decode() == args.password)
        return AuthResult(success=ok, handled=False, auth_data=auth_data if ok else None)

    context = None
    if args.cert:
        context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        context.load_cert_chain(args.cert, args.key)

    def factory():
        kwargs = {}
        if context is not None and not args.implicit_tls:
            kwargs.update(tls_context=context, require_starttls=True)
        if args.user:
            kwargs.update(authenticator=authenticator, auth_required=True, auth_require_tls=context is not None)
        return SMTP(Handler(), hostname="smtp.test", **kwargs)

    async def serve():
        server = await asyncio.get_running_loop().create_server(
            factory, "127.0.0.1", args.port, ssl=context if args.implicit_tls else None)
        print("READY", flush=True)
        async with server:
            await server.serve_forever()

    asyncio.run(serve())


if __name__ == "__main__":
    main()
