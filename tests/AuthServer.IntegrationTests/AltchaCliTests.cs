using Recovery.AuthServer.IntegrationTests.Infrastructure;
using Recovery.V1;

namespace Recovery.AuthServer.IntegrationTests;

/// <summary>The AuthClient tool against a server running the self-hosted captcha: <c>--captcha altcha</c> solves it.</summary>
public sealed class AltchaCliTests : IntegrationTest
{
    private readonly string sinkPath;

    public AltchaCliTests()
        : this(Path.Combine(Path.GetTempPath(), $"recovery-sink-{Guid.NewGuid():N}.jsonl"))
    {
    }

    private AltchaCliTests(string sinkPath)
        : base(new ServerOptions(FakeTime: false, DevSinkPath: sinkPath, Settings: new Dictionary<string, string>
        {
            ["Captcha:Provider"] = "Altcha",
            ["Captcha:Altcha:HmacKey"] = CaptchaAltchaTests.HmacKey,
            ["Captcha:Altcha:MaxNumber"] = "100000",
        })) => this.sinkPath = sinkPath;

    [Fact]
    public async Task Recover_CaptchaAltcha_SolvesTheServersChallengeAndCompletes()
    {
        var (exitCode, stdout, stderr) = await RunCliAsync(
            "recover", "--card", DemoCustomer.Seed.Card, "--expiry", "12/29", "--document", "12345678Z", "--captcha", "altcha",
            "--new-password", DemoCustomer.NewPassword, "--dev-sink", sinkPath, "--no-input");

        Assert.True(exitCode == 0, $"exit {exitCode}\nstdout:\n{stdout}\nstderr:\n{stderr}");
        Assert.Equal(LoginResponse.ResultOneofCase.Session, (await Api.LoginAsync(DemoCustomer.Seed.UserCode, DemoCustomer.NewPassword)).ResultCase);
    }

    [Fact]
    public async Task Recover_DevelopmentTokenAgainstAltchaServer_ExitsOneCaptchaRejectedAndSendsNothing()
    {
        var (exitCode, _, stderr) = await RunCliAsync(
            "recover", "--card", DemoCustomer.Seed.Card, "--expiry", "12/29", "--document", "12345678Z", "--captcha", "dev-ok",
            "--new-password", DemoCustomer.NewPassword, "--dev-sink", sinkPath, "--no-input");

        Assert.Equal(1, exitCode);
        Assert.Contains("CAPTCHA_REJECTED", stderr, StringComparison.Ordinal);
        Assert.Empty(Outbox.All);
    }

    public override async Task DisposeAsync()
    {
        await base.DisposeAsync();
        File.Delete(sinkPath);
    }
}
