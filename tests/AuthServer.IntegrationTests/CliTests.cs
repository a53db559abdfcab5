using Recovery.AuthServer.IntegrationTests.Infrastructure;
using Recovery.Client;
using Recovery.V1;

namespace Recovery.AuthServer.IntegrationTests;

/// <summary>
/// Scenario 15: the AuthClient tool run in-process against the server, reading codes from the dev sink
/// that the notification dispatcher fills in the background. Real clock: the tool waits on the file.
/// </summary>
public sealed class CliTests : IntegrationTest
{

    private readonly string sinkPath;

    public CliTests()
        : this(Path.Combine(Path.GetTempPath(), $"recovery-sink-{Guid.NewGuid():N}.jsonl"))
    {
    }

    private CliTests(string sinkPath)
        : base(new ServerOptions(FakeTime: false, DevSinkPath: sinkPath)) => this.sinkPath = sinkPath;

    [Fact]
    public async Task Recover_SeedCustomerWithDevSink_ExitsZeroShowingMaskedDestinations()
    {
        var (exitCode, stdout, stderr) = await RunCliAsync(
            "recover", "--server", Factory.Server.BaseAddress.ToString(),
            "--card", DemoCustomer.Seed.Card, "--expiry", "12/29", "--document", "12345678Z", "--captcha", "dev-ok",
            "--new-password", DemoCustomer.NewPassword, "--dev-sink", sinkPath, "--no-input");

        Assert.True(exitCode == 0, $"exit {exitCode}\nstdout:\n{stdout}\nstderr:\n{stderr}");
        Assert.Contains("sb*****@ebcc.es", stdout, StringComparison.Ordinal);
        Assert.Contains("+34 - 6*****331", stdout, StringComparison.Ordinal);
        Assert.Contains("Cambio de contraseña de Usuario de Banca Electrónica", stdout, StringComparison.Ordinal);
        Assert.DoesNotContain(DemoCustomer.NewPassword, stdout, StringComparison.Ordinal);

        // The tool's word is checked independently: the new password opens a session.
        var login = await Api.LoginAsync(DemoCustomer.Seed.UserCode, DemoCustomer.NewPassword);
        Assert.Equal(LoginResponse.ResultOneofCase.Session, login.ResultCase);
    }

    [Fact]
    public async Task Recover_InvalidCard_ExitsOneNamingFieldAndSendsNothing()
    {
        var (exitCode, stdout, stderr) = await RunCliAsync(
            "recover", "--server", Factory.Server.BaseAddress.ToString(),
            "--card", "4548812044110336", "--expiry", "12/29", "--document", "12345678Z", "--captcha", "dev-ok",
            "--new-password", DemoCustomer.NewPassword, "--dev-sink", sinkPath, "--no-input");

        Assert.True(exitCode == 1, $"exit {exitCode}\nstdout:\n{stdout}\nstderr:\n{stderr}");
        Assert.Contains("card_number", stderr, StringComparison.Ordinal);
        Assert.Contains("INVALID_FIELDS", stderr, StringComparison.Ordinal);
        Assert.Empty(Outbox.All);
    }

    [Fact]
    public async Task Recover_NoInputWithoutDevSink_UsageErrorBeforeAnyCall()
    {
        var (exitCode, _, stderr) = await RunCliAsync(
            "recover", "--server", Factory.Server.BaseAddress.ToString(),
            "--card", DemoCustomer.Seed.Card, "--expiry", "12/29", "--document", "12345678Z",
            "--new-password", DemoCustomer.NewPassword, "--no-input");

        Assert.Equal(2, exitCode);
        Assert.Contains("--dev-sink", stderr, StringComparison.Ordinal);
        Assert.Empty(Outbox.All);
        Assert.Empty(Audit.Events);
    }

    public override async Task DisposeAsync()
    {
        await base.DisposeAsync();
        File.Delete(sinkPath);
    }
}
