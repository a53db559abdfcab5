#!/usr/bin/env python3
"""redis-server's CPU per decoy StartRecovery, from the scripts of one or more source trees.

Replays what the stores send for an unknown card (the path ghz's synthetic cards take): the rate limits, the card's
index and block, the customer's read, the challenge, the recovery and the outbox's enqueue, with fresh card, document
and recovery keys per call, pipelined 28 commands at a time against a private redis-server on loopback (a
subscriber on the outbox's announce channel, like a node's dispatcher). Each script is read from the tree's C# source,
so two checkouts compare their Lua. Prints redis-server's CPU (/proc/<pid>/schedstat) per call, the best of 3 passes.

    python3 benchmarks/redis/start_recovery_replay.py ROUNDS TREE [TREE...]
"""
import random, re, socket, string, subprocess, sys, time

P = 'recovery:'


def enc(*a):
    out = [b'*%d\r\n' % len(a)]
    for x in a:
        x = x if isinstance(x, bytes) else str(x).encode()
        out.append(b'$%d\r\n%s\r\n' % (len(x), x))
    return b''.join(out)


class Conn:
    def __init__(self, port):
        self.s = socket.create_connection(('127.0.0.1', port))
        self.f = self.s.makefile('rb')

    def read(self):
        line = self.f.readline()
        t, rest = line[:1], line[1:-2]
        if t == b'*':
            k = int(rest)
            return None if k < 0 else [self.read() for _ in range(k)]
        if t == b'$':
            k = int(rest)
            return None if k < 0 else self.f.read(k + 2)[:-2]
        if t == b'-':
            raise RuntimeError(rest.decode())
        return rest

    def call(self, *a):
        self.s.sendall(enc(*a))
        return self.read()

    def pipeline(self, commands, batch):
        for i in range(0, len(commands), batch):
            chunk = commands[i:i + batch]
            self.s.sendall(b''.join(chunk))
            for _ in chunk:
                self.read()


def const(src, name):
    # A C# raw string constant, its indentation removed; "State + " prefixes the outbox's shared function.
    m = re.search(r'const string ' + name + r' = (State \+ )?"""\n(.*?)\n( *)""";', src, re.S)
    indent = len(m.group(3))
    text = '\n'.join(line[indent:] for line in m.group(2).split('\n'))
    return (const(src, 'State') if m.group(1) else '') + text


def hexs(n=64):
    return ''.join(random.choice('0123456789abcdef') for _ in range(n))


def token():
    return ''.join(random.choice(string.ascii_letters + string.digits + '-_') for _ in range(22))


def calls(tree, r):
    d = tree + '/src/AuthServer/Storage/Redis/'
    customers = open(d + 'RedisCustomerStore.cs').read()
    merged = 'ReadWithProfileScript' in customers
    outbox = open(d + 'RedisNotificationOutbox.cs').read()
    quiet = 'QuietChannel' in outbox
    recoveries = open(d + 'RedisRecoveryStore.cs').read()
    # The recovery's record: a hash written by a script, or (since the fourth session of issue 11) one string by SET NX PX.
    hashed = 'const string CreateScript' in recoveries
    # ... and (later in that session) written with its code's challenge by one script, the id naming the challenge's slot.
    together = 'CreateWithCodeScript' in recoveries
    sha = {name: r.call('SCRIPT', 'LOAD', text).decode() for name, text in {
        'limits': const(open(d + 'RedisRateLimiter.cs').read(), 'AcquireScript'),
        'read': const(customers, 'ReadWithProfileScript' if merged else 'ReadScript'),
        'challenge': const(open(d + 'RedisChallengeStore.cs').read(), 'CreateScript'),
        'recovery': const(recoveries, 'CreateScript') if hashed else const(recoveries, 'CreateWithCodeScript') if together else 'return 0',
        'enqueue': const(open(d + 'RedisOutboxScripts.cs').read(), 'Enqueue'),
    }.items()}
    now = [1796053430574708]

    def call(i):
        now[0] += 150
        pan, doc, rid = hexs(), hexs(), token()
        c = [enc('EVALSHA', sha['limits'], 3, P + '{rl}:start:card:' + pan, P + '{rl}:start:doc:' + doc, P + '{rl}:start:channel:load-test',
                 now[0], 3600, 3600000000, 3600, 3600000000, 1, 1000000),
             enc('GET', P + '{k:' + pan + '}:customer'), enc('HGET', P + '{d:' + doc + '}:kb:' + pan, 'until')]
        if merged:
            c.append(enc('EVALSHA', sha['read'], 3, P + '{c:~}:profile', P + '{c:~}:cred', P + '{c:~}:history'))
        else:
            c += [enc('GET', P + '{c:~}:profile'), enc('EVALSHA', sha['read'], 2, P + '{c:~}:cred', P + '{c:~}:history')]
        challenge = (random.randbytes(32), 1796053730576657, 1796053460576657, 0, 0, 0, 'Active', 3900000)
        record = '\n'.join(['O', '', pan, doc, 'es-ES', 'load-test', '1796053430574', '1796057030574'])
        if together:
            # The record's key is under the slot twin of the challenge's group; a single redis-server does not check slots.
            c.append(enc('EVALSHA', sha['recovery'], 2, P + '{o:123}:rec:000123_' + rid, P + '{d:' + doc + '}rec:000123_' + rid + ':challenge',
                         record, 3899997, *challenge))
        else:
            c.append(enc('EVALSHA', sha['challenge'], 1, P + '{d:' + doc + '}rec:' + rid + ':challenge', *challenge))
            if hashed:
                c.append(enc('EVALSHA', sha['recovery'], 1, P + '{r:' + rid + '}:recovery', 3899997, 'card', pan, 'lang', 'es-ES', 'chan', 'load-test',
                             'created', 1796053430574, 'expires', 1796057030574, 'state', 'Open', 'doc', doc))
            else:
                c.append(enc('SET', P + '{r:' + rid + '}:record', record, 'NX', 'PX', 3899997))
        s = i % 4
        tag = '{outbox}' if s == 0 else '{outbox:%d}' % s
        keys = [P + tag + ':' + k for k in ('pending', 'leases', 'held', 'heldn', 'scratch:ids', 'scratch:m', 'scratch:m')]
        mid, payload = '%d.%s' % (s, token()), random.randbytes(330)
        if quiet:
            c.append(enc('EVALSHA', sha['enqueue'], 7, *keys, P + 'outbox:announce', s, 2500, 2500, P + 'outbox:quiet', mid, payload))
        else:
            c.append(enc('EVALSHA', sha['enqueue'], 7, *keys, P + 'outbox:announce', s, 2500, mid, payload))
        return c

    return call


def measure(tree, n=15000, batch=28, passes=3):
    s = socket.socket()
    s.bind(('127.0.0.1', 0))
    port = s.getsockname()[1]
    s.close()
    server = subprocess.Popen(['redis-server', '--port', str(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], stdout=subprocess.DEVNULL)
    try:
        for _ in range(50):
            try:
                r = Conn(port)
                break
            except OSError:
                time.sleep(0.1)
        listener = Conn(port)
        listener.s.sendall(enc('SUBSCRIBE', P + 'outbox:announce'))
        listener.read()
        call = calls(tree, r)
        cpu = lambda: int(open('/proc/%d/schedstat' % server.pid).read().split()[0])
        best = None
        for _ in range(passes):
            commands = [c for i in range(n) for c in call(i)]
            before = cpu()
            r.pipeline(commands, batch)
            per_call = (cpu() - before) / n / 1000
            best = per_call if best is None else min(best, per_call)
        return best
    finally:
        server.kill()
        server.wait()


if __name__ == '__main__':
    for _ in range(int(sys.argv[1])):
        for tree in sys.argv[2:]:
            print(f'{tree}: {measure(tree):.1f} us of redis-server CPU per call')
