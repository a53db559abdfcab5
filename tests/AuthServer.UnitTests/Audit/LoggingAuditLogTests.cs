using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;
using Recovery.AuthServer.Audit;
using Recovery.AuthServer.Security;
using Recovery.AuthServer.UnitTests.TestSupport;

namespace Recovery.AuthServer.UnitTests.Audit;

public sealed class LoggingAuditLogTests
{
    [Fact]
    public void Record_RecoveryAndOperationIds_WrittenAsKeyedHashesThatCorrelate()
    {
        using var provider = new FakeLoggerProvider();
        using var factory = LoggerFactory.Create(b => b.AddProvider(provider));
        using var metrics = new TestMetrics();
        var keys = TestKeys.Create();
        var audit = new LoggingAuditLog(factory, TestClock.Create(), metrics.Audit, keys);

        audit.Record(new AuditEvent("recovery.start", "code_sent", "web", "demo-0001", "fbfTqKMAULe4WyFMcm31Pw"));
        audit.Record(new AuditEvent("recovery.confirm", "credentials_restored", "web", "demo-0001", "fbfTqKMAULe4WyFMcm31Pw"));
        audit.Record(new AuditEvent("access.sign", "password_changed", "web", "demo-0001", "40213877"));
        audit.Record(new AuditEvent("access.login", "unknown_user", "web"));

        var records = provider.Collector.GetSnapshot();
        Assert.Equal(4, records.Count);
        Assert.All(records, r => Assert.DoesNotContain("fbfTqKMAULe4WyFMcm31Pw", r.Message, StringComparison.Ordinal));
        Assert.DoesNotContain("40213877", records[2].Message, StringComparison.Ordinal);
        var recovery = LoggingAuditLog.SubjectHash(keys, "fbfTqKMAULe4WyFMcm31Pw");
        Assert.Matches("^h:[0-9a-f]{32}$", recovery);
        Assert.Contains($"subject={recovery} ", records[0].Message, StringComparison.Ordinal);
        Assert.Contains($"subject={recovery} ", records[1].Message, StringComparison.Ordinal);
        Assert.Contains($"subject={LoggingAuditLog.SubjectHash(keys, "40213877")} ", records[2].Message, StringComparison.Ordinal);
        Assert.Contains("subject=- ", records[3].Message, StringComparison.Ordinal);
        Assert.Equal(recovery, Assert.Single(records[0].StructuredState!, kv => kv.Key == "SubjectId").Value);
    }

    [Fact]
    public void SubjectHash_AnotherCodeKey_AnotherHash()
    {
        Assert.NotEqual(LoggingAuditLog.SubjectHash(TestKeys.Create(codeKey: 2), "40213877"), LoggingAuditLog.SubjectHash(TestKeys.Create(codeKey: 7), "40213877"));
    }

    [Fact]
    public void SubjectHash_Id_HPrefixAndTheFirstHalfOfTheHexHmacUnderItsLabel()
    {
        // What docs/security.md tells an operator to recompute when searching the audit for one recovery: it must not move.
        var keys = TestKeys.Create(codeKey: 3);

        Assert.Equal("h:" + KeyedHash.ComputeHex(keys.CodeKey, "audit-subject:fbfTqKMAULe4WyFMcm31Pw")[..32], LoggingAuditLog.SubjectHash(keys, "fbfTqKMAULe4WyFMcm31Pw"));
    }
}
