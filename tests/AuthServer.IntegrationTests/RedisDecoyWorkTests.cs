using System.Globalization;
using Recovery.AuthServer.IntegrationTests.Infrastructure;
using StackExchange.Redis;

namespace Recovery.AuthServer.IntegrationTests;

/// <summary>
/// On Redis the work is also counted where the time goes: the commands redis-server executed for the call
/// (<c>INFO commandstats</c> before and after, on this class's private server), scripts counted together
/// (EVAL and EVALSHA), connection housekeeping left out.
/// </summary>
public sealed class RedisDecoyWorkTests(RedisServerFixture fixture)
    : DecoyWorkTests(new StoreCalls(), new ServerOptions(Redis: (fixture.Server.Configuration, RedisServerFixture.UniquePrefix()))), IClassFixture<RedisServerFixture>
{
    private static readonly HashSet<string> Housekeeping = new(StringComparer.Ordinal)
    {
        "info", "ping", "echo", "client", "config", "cluster", "subscribe", "psubscribe", "unsubscribe", "select", "hello", "auth", "command", "role", "time", "script",
    };

    private protected override async Task<IReadOnlyList<string>> WorkOfAsync(Func<Task> call)
    {
        await using var admin = await fixture.Server.ConnectAsync().WaitAsync(RecoveryApi.Timeout);
        var server = admin.GetServer(admin.GetEndPoints()[0]);
        var before = await CommandsAsync(server);
        var calls = await base.WorkOfAsync(call);
        var after = await CommandsAsync(server);
        var commands = after
            .Select(a => (a.Key, Calls: a.Value - before.GetValueOrDefault(a.Key)))
            .Where(c => c.Calls > 0)
            .OrderBy(c => c.Key, StringComparer.Ordinal)
            .Select(c => $"redis {c.Key} × {c.Calls}");
        return [.. calls, .. commands];
    }

    private static async Task<Dictionary<string, long>> CommandsAsync(IServer server)
    {
        var counts = new Dictionary<string, long>(StringComparer.Ordinal);
        foreach (var group in await server.InfoAsync("commandstats").WaitAsync(RecoveryApi.Timeout))
        {
            foreach (var (key, value) in group)
            {
                // cmdstat_evalsha: calls=12,usec=340,…; Redis 7 counts subcommands apart (cmdstat_client|setname), and a
                // connection the client opens during the call (CLIENT ID, CLIENT SETNAME) is housekeeping too.
                var command = key["cmdstat_".Length..];
                if (Housekeeping.Contains(command.Split('|')[0]))
                {
                    continue;
                }

                command = command is "eval" or "evalsha" or "eval_ro" or "evalsha_ro" ? "eval" : command;

                var calls = long.Parse(value.Split(',')[0]["calls=".Length..], CultureInfo.InvariantCulture);
                counts[command] = counts.GetValueOrDefault(command) + calls;
            }
        }

        return counts;
    }
}
