using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Recovery.AuthServer.Audit;
using Recovery.AuthServer.IntegrationTests.Infrastructure;

namespace Recovery.AuthServer.IntegrationTests;

/// <summary>
/// Logging at Trace for every category (the server's, Microsoft.*, Grpc.*), captured with structured values, scopes
/// and exceptions, while the walk handles every kind of secret: none of them is in any record. Run once per storage
/// provider by the sealed subclasses.
/// </summary>
public abstract class LogSecrecyTests : SecretWalkTest
{
    private readonly LogCapture logs;

    private protected LogSecrecyTests(LogCapture logs, ServerOptions options)
        : base(options with { Services = logs.Install })
    {
        this.logs = logs;
    }

    [Fact]
    public async Task FullWalk_LoggingAtTraceForEveryCategory_NoSecretInAnyRecord()
    {
        var secrets = await WalkAsync();
        // The dispatcher delivers in the background: let it log its deliveries too.
        await Task.Delay(TimeSpan.FromSeconds(1));

        var entries = logs.Entries;
        // The capture saw the framework at its most verbose, not only the server's own lines.
        Assert.Contains(entries, e => e.Level == LogLevel.Trace && e.Category.StartsWith("Grpc.", StringComparison.Ordinal));
        Assert.Contains(entries, e => e.Category.StartsWith("Microsoft.AspNetCore", StringComparison.Ordinal) && e.Level <= LogLevel.Debug);
        Assert.Contains(entries, e => e.Category == "Recovery.Audit");
        foreach (var entry in entries)
        {
            foreach (var (what, value) in secrets)
            {
                Assert.False(entry.Text.Contains(value, StringComparison.Ordinal), $"The {what} is in a {entry.Level} record of {entry.Category} ({entry.EventId}): {entry.Text}");
            }
        }

        // The audit still ties the lines of one recovery, and of one operation, together: by a keyed hash.
        var keys = Factory.Services.GetRequiredService<Security.SecretKeys>();
        string[] AuditedAs(string name)
        {
            var hash = LoggingAuditLog.SubjectHash(keys, secrets.Single(s => s.Name == name).Value);
            return [.. entries.Where(e => e.Category == "Recovery.Audit" && e.Message.Contains($"subject={hash} ", StringComparison.Ordinal))
                .Select(e => e.Message.Split(' ')[1]).Distinct()];
        }

        Assert.Equal(["recovery.start", "recovery.confirm"], AuditedAs("recovery id"));
        Assert.Equal(["access.change_password", "access.sign", "callcentre.lookup", "callcentre.issue_code_by_voice"], AuditedAs("operation reference"));
    }
}

public sealed class InMemoryLogSecrecyTests() : LogSecrecyTests(new LogCapture(), ServerOptions.Default);

public sealed class RedisLogSecrecyTests(RedisServerFixture fixture)
    : LogSecrecyTests(new LogCapture(), new ServerOptions(Redis: (fixture.Server.Configuration, RedisServerFixture.UniquePrefix()))), IClassFixture<RedisServerFixture>;
