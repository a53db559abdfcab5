using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
using Recovery.AuthServer.Hosting;

namespace Recovery.AuthServer.UnitTests.Hosting;

/// <summary>
/// Every annotated member of an object nested in an options class is validated at start-up, named by its configuration
/// key: the reflection-based validation the server used before stopped at the top level, so a rule's <c>[Range]</c>
/// inside <c>RateLimits:PerCard</c> or <c>Storage:Redis</c> did nothing. Built through the server's own
/// <see cref="OptionsExtensions.AddRecoveryOptions"/> (and the observability options) and <see cref="StartupValidation"/>,
/// as Program.cs does.
/// </summary>
public sealed class NestedOptionsValidationTests
{
    public static TheoryData<string, string, string, string> NestedMembers => new()
    {
        // key, a value out of range, a value in range, the line an operator reads for the bad one
        { "RateLimits:PerCard:Limit", "5000000", "5", "RateLimits:PerCard:Limit: The field Limit must be between 1 and 1000000." },
        { "RateLimits:PerCard:Period", "00:00:00.001", "01:00:00", "RateLimits:PerCard:Period: The field Period must be between 00:00:01 and 7.00:00:00." },
        { "RateLimits:PerDocument:Limit", "0", "5", "RateLimits:PerDocument:Limit: The field Limit must be between 1 and 1000000." },
        { "RateLimits:PerClientAddress:Period", "8.00:00:00", "01:00:00", "RateLimits:PerClientAddress:Period: The field Period must be between 00:00:01 and 7.00:00:00." },
        { "RateLimits:PerChannel:Limit", "-1", "500", "RateLimits:PerChannel:Limit: The field Limit must be between 1 and 1000000." },
        { "RateLimits:Login:PerUserCode:Limit", "0", "10", "RateLimits:Login:PerUserCode:Limit: The field Limit must be between 1 and 1000000." },
        { "RateLimits:Login:PerClientAddress:Period", "00:00:00", "01:00:00", "RateLimits:Login:PerClientAddress:Period: The field Period must be between 00:00:01 and 7.00:00:00." },
        { "RateLimits:Login:PerChannel:Limit", "2000000", "1000", "RateLimits:Login:PerChannel:Limit: The field Limit must be between 1 and 1000000." },
        { "Notifications:SmsPerPhone:Period", "00:00:00.500", "1.00:00:00", "Notifications:SmsPerPhone:Period: The field Period must be between 00:00:01 and 7.00:00:00." },
        { "Storage:Redis:OperationTimeout", "00:01:00", "00:00:01", "Storage:Redis:OperationTimeout: The field OperationTimeout must be between 00:00:00.0500000 and 00:00:30." },
        { "Storage:Redis:WaitReplicas", "6", "1", "Storage:Redis:WaitReplicas: The field WaitReplicas must be between 0 and 5." },
        { "Storage:Redis:KeyPrefix", new string('k', 33), "recovery:", "Storage:Redis:KeyPrefix: The field KeyPrefix must match the regular expression '^[A-Za-z0-9:_-]{0,32}$'." },
        { "Observability:Tracing:SampleRatio", "1.5", "0.25", "Observability:Tracing:SampleRatio: The field SampleRatio must be between 0 and 1." },
    };

    [Theory]
    [MemberData(nameof(NestedMembers))]
    public void Collect_NestedMemberOutOfRange_OneLineNamingItsKey(string key, string bad, string good, string expected)
    {
        var failures = Failures(key, bad);
        var control = Failures(key, good);

        Assert.Equal(1, failures.Count(f => f == expected));
        Assert.DoesNotContain(control, f => f.StartsWith(key, StringComparison.Ordinal));
    }

    [Fact]
    public void Collect_SmsProviderItemMissingMembers_EachNamedWithItsIndexOnce()
    {
        var failures = Failures("Notifications:Sms:Providers:1:Name", "second", ("Notifications:Sms:Providers:0:Name", "first"));

        foreach (var index in new[] { 0, 1 })
        {
            foreach (var member in new[] { "Dialect", "BaseUrl", "From", "Username", "Password" })
            {
                var line = $"Notifications:Sms:Providers:{index}:{member}: The {member} field is required.";
                Assert.True(failures.Count(f => f == line) == 1, $"'{line}' once in:\n{string.Join('\n', failures)}");
            }
        }
    }

    [Fact]
    public void Collect_TopLevelRequiredKeyAlsoCheckedByItsValidator_SaidOnceByTheValidator()
    {
        var failures = Failures("Secrets:CodeKey", "");

        Assert.Single(failures, f => f.StartsWith("Secrets:CodeKey", StringComparison.Ordinal));
        Assert.Contains(failures, f => f.StartsWith("Secrets:CodeKey is required", StringComparison.Ordinal));
    }

    private static IReadOnlyList<string> Failures(string key, string value, params (string Key, string Value)[] more)
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { EnvironmentName = "Development" });
        builder.Configuration.AddInMemoryCollection([new(key, value), .. more.Select(m => new KeyValuePair<string, string?>(m.Key, m.Value))]);
        builder.AddRecoveryOptions().AddRecoveryObservability();
        var types = StartupValidation.OptionsTypes(builder.Services);
        using var app = builder.Build();
        return StartupValidation.Collect(app.Services, types);
    }
}
