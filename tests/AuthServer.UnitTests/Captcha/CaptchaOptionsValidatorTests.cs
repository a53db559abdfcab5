using Recovery.AuthServer.Captcha;
using Recovery.AuthServer.UnitTests.TestSupport;

namespace Recovery.AuthServer.UnitTests.Captcha;

public sealed class CaptchaOptionsValidatorTests
{
    private static readonly string HmacKey = Convert.ToBase64String(Enumerable.Range(1, 32).Select(i => (byte)i).ToArray());

    private static string[] Failures(CaptchaOptions options, string environment = "Production") =>
        new CaptchaOptionsValidator(new TestHostEnvironment(environment)).Validate(null, options).Failures?.ToArray() ?? [];

    private static CaptchaOptions Siteverify(string provider) => new()
    {
        Provider = provider,
        Siteverify = new SiteverifyOptions { Secret = "s", ExpectedHostnames = ["banca.example.es"], ExpectedAction = "recover" },
    };

    [Theory]
    [InlineData("Production")]
    [InlineData("Staging")]
    [InlineData("Test")]
    public void Validate_DevelopmentProviderOutsideDevelopment_Refused(string environment)
    {
        var failure = Assert.Single(Failures(new CaptchaOptions(), environment));

        Assert.StartsWith("Captcha:Provider is Development", failure, StringComparison.Ordinal);
        Assert.Contains(environment, failure, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_DevelopmentProviderInDevelopment_Succeeds() => Assert.Empty(Failures(new CaptchaOptions(), "Development"));

    [Theory]
    [InlineData("ReCaptchaV2")]
    [InlineData("ReCaptchaV3")]
    [InlineData("HCaptcha")]
    [InlineData("Turnstile")]
    public void Validate_CompleteSiteverifyInProduction_Succeeds(string provider) => Assert.Empty(Failures(Siteverify(provider)));

    [Fact]
    public void Validate_SiteverifyWithoutSecretOrHostnames_NamesBoth()
    {
        var failures = Failures(new CaptchaOptions { Provider = "Turnstile" });

        Assert.Equal(2, failures.Length);
        Assert.Contains(failures, f => f.StartsWith("Captcha:Siteverify:Secret is required", StringComparison.Ordinal));
        Assert.Contains(failures, f => f.StartsWith("Captcha:Siteverify:ExpectedHostnames", StringComparison.Ordinal));
    }

    [Fact]
    public void Validate_V3WithoutActionOrWithScoreOutOfRange_Refused()
    {
        var options = Siteverify("ReCaptchaV3");
        options.Siteverify.ExpectedAction = null;
        options.Siteverify.MinimumScore = 1.5;

        var failures = Failures(options);

        Assert.Contains(failures, f => f.StartsWith("Captcha:Siteverify:ExpectedAction is required", StringComparison.Ordinal));
        Assert.Contains(failures, f => f.StartsWith("Captcha:Siteverify:MinimumScore", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("http://127.0.0.1:8080/siteverify", "Production", false)]
    [InlineData("http://127.0.0.1:8080/siteverify", "Development", true)]
    [InlineData("https://siteverify.internal.example/siteverify", "Production", true)]
    public void Validate_Endpoint_HttpsOutsideDevelopment(string endpoint, string environment, bool valid)
    {
        var options = Siteverify("HCaptcha");
        options.Siteverify.Endpoint = new Uri(endpoint);

        Assert.Equal(valid, Failures(options, environment).Length == 0);
    }

    [Fact]
    public void Validate_UntrustworthyChannelName_Refused()
    {
        var options = Siteverify("HCaptcha");
        options.TrustedAddressChannels = ["Web Portal"];

        Assert.StartsWith("Captcha:TrustedAddressChannels has 'Web Portal'", Assert.Single(Failures(options)), StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_AltchaWithKey_Succeeds() =>
        Assert.Empty(Failures(new CaptchaOptions { Provider = "Altcha", Altcha = new AltchaOptions { HmacKey = HmacKey } }));

    [Theory]
    [InlineData("")]
    [InlineData("c2hvcnQ=")]
    public void Validate_AltchaWithoutAStrongKey_Refused(string key)
    {
        var failure = Assert.Single(Failures(new CaptchaOptions { Provider = "Altcha", Altcha = new AltchaOptions { HmacKey = key } }));

        Assert.StartsWith("Captcha:Altcha:HmacKey", failure, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_AltchaDifficultyOutOfRange_Refused()
    {
        var failure = Assert.Single(Failures(new CaptchaOptions { Provider = "Altcha", Altcha = new AltchaOptions { HmacKey = HmacKey, MaxNumber = 10 } }));

        Assert.StartsWith("Captcha:Altcha:MaxNumber", failure, StringComparison.Ordinal);
    }
}
