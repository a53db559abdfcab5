using System.Net;
using System.Text.RegularExpressions;
using Recovery.AuthServer.IntegrationTests.Infrastructure;

namespace Recovery.AuthServer.IntegrationTests.Sms;

/// <summary>A bad SMS configuration stops the server with one line per problem naming the key (never the value), exit code 2.</summary>
public sealed partial class SmsStartupTests
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task Start_ProviderWithoutPasswordDuplicateNameAndReportPortTaken_OneLineEachExitCodeTwoNoSecret()
    {
        using var taken = new System.Net.Sockets.TcpListener(IPAddress.Loopback, 0);
        taken.Start();
        var reportPort = ((IPEndPoint)taken.LocalEndpoint).Port;
        const string secret = "kannel-password-do-not-print";
        await using var bad = ServerProcess.Start($"http://127.0.0.1:{LoopbackPorts.Free()}", new Dictionary<string, string>
        {
            ["ASPNETCORE_ENVIRONMENT"] = "Development",
            ["Notifications__Sms__Providers__0__Name"] = "gw",
            ["Notifications__Sms__Providers__0__Dialect"] = "Kannel",
            ["Notifications__Sms__Providers__0__BaseUrl"] = "http://127.0.0.1:13013",
            ["Notifications__Sms__Providers__0__From"] = "BANCO",
            ["Notifications__Sms__Providers__0__Username"] = "recovery",
            ["Notifications__Sms__Providers__1__Name"] = "gw",
            ["Notifications__Sms__Providers__1__Dialect"] = "Kannel",
            ["Notifications__Sms__Providers__1__BaseUrl"] = "ftp://127.0.0.1:13013",
            ["Notifications__Sms__Providers__1__From"] = "BANCO",
            ["Notifications__Sms__Providers__1__Username"] = "recovery",
            ["Notifications__Sms__Providers__1__Password"] = secret,
        });

        var badExit = await bad.ExitCodeAsync(StartTimeout);

        var output = bad.Stdout + bad.Stderr;
        Assert.True(badExit == 2, $"exit code {badExit}: {output}");
        Assert.Contains("Notifications:Sms:Providers:0:Password: The Password field is required.", bad.Stderr, StringComparison.Ordinal);
        Assert.Contains("Notifications:Sms:Providers:1:BaseUrl must be an absolute http or https URL.", bad.Stderr, StringComparison.Ordinal);
        Assert.Contains("Notifications:Sms:Providers: the name 'gw' is used twice.", bad.Stderr, StringComparison.Ordinal);
        Assert.DoesNotContain(secret, output, StringComparison.Ordinal);
        Assert.DoesNotMatch(StackFrame(), output);

        await using var busy = ServerProcess.Start($"http://127.0.0.1:{LoopbackPorts.Free()}", new Dictionary<string, string>
        {
            ["ASPNETCORE_ENVIRONMENT"] = "Development",
            ["Notifications__Sms__DeliveryReports__Urls"] = $"http://127.0.0.1:{reportPort}",
        });

        var busyExit = await busy.ExitCodeAsync(StartTimeout);

        Assert.True(busyExit == 2, $"exit code {busyExit}: {busy.Stdout + busy.Stderr}");
        Assert.Contains($"Notifications:Sms:DeliveryReports:Urls: cannot listen on http://127.0.0.1:{reportPort} (", busy.Stderr, StringComparison.Ordinal);
        Assert.DoesNotMatch(StackFrame(), busy.Stdout + busy.Stderr);
    }

    [GeneratedRegex(@"^\s+at \S", RegexOptions.Multiline)]
    private static partial Regex StackFrame();
}
