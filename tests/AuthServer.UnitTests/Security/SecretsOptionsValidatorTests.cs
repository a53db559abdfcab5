using Microsoft.Extensions.Options;
using Recovery.AuthServer.Security;
using Recovery.AuthServer.UnitTests.TestSupport;

namespace Recovery.AuthServer.UnitTests.Security;

public class SecretsOptionsValidatorTests
{
    // The values shipped in appsettings.Development.json.
    private const string DevCardKey = "REVWRUxPUE1FTlQtY2FyZC1sb29rdXAta2V5LW5vdC1hLXNlY3JldC0wMQ==";
    private const string DevCodeKey = "REVWRUxPUE1FTlQtb25lLXRpbWUtY29kZS1rZXktbm90LWEtc2VjcmV0LTE=";
    private const string DevPepper = "REVWRUxPUE1FTlQtcGFzc3dvcmQtcGVwcGVyLW5vdC1hLXNlY3JldC0wMDE=";

    private static string Random(int bytes) => Convert.ToBase64String(Enumerable.Range(0, bytes).Select(i => (byte)(i * 7 + 1)).ToArray());

    private static SecretsOptions Good() => new()
    {
        CardLookupKey = Random(32),
        CodeKey = Random(33),
        PasswordPepper = Random(48),
    };

    private static ValidateOptionsResult Validate(SecretsOptions options, string environment = "Production") =>
        new SecretsOptionsValidator(new TestHostEnvironment(environment)).Validate(null, options);

    [Fact]
    public void Validate_RandomSecretsInProduction_Succeeds()
    {
        var result = Validate(Good());

        Assert.True(result.Succeeded, result.FailureMessage);
    }

    [Fact]
    public void Validate_AllEmpty_FailsNamingEachSecret()
    {
        var result = Validate(new SecretsOptions());

        Assert.True(result.Failed);
        var failures = result.Failures!.ToList();
        Assert.Equal(3, failures.Count);
        Assert.Contains(failures, f => f.StartsWith("Secrets:CardLookupKey is required", StringComparison.Ordinal));
        Assert.Contains(failures, f => f.StartsWith("Secrets:CodeKey is required", StringComparison.Ordinal));
        Assert.Contains(failures, f => f.StartsWith("Secrets:PasswordPepper is required", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("   ")]
    [InlineData("")]
    public void Validate_BlankSecret_Fails(string value)
    {
        var options = Good();
        options.CodeKey = value;

        var failure = Assert.Single(Validate(options).Failures!);

        Assert.StartsWith("Secrets:CodeKey is required", failure, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(16)]
    [InlineData(31)]
    public void Validate_ShortSecret_Fails(int bytes)
    {
        var options = Good();
        options.PasswordPepper = Random(bytes);

        var failure = Assert.Single(Validate(options).Failures!);

        Assert.Equal("Secrets:PasswordPepper must be base64 of at least 32 bytes.", failure);
    }

    [Theory]
    [InlineData("this is not base64 at all, not at all!!")]
    [InlineData("QUJDREVGR0hJSktMTU5PUFFSU1RVVldYWVo-MTIzNDU2Nzg")] // base64url alphabet, no padding
    public void Validate_NotBase64_Fails(string value)
    {
        var options = Good();
        options.CardLookupKey = value;

        var failure = Assert.Single(Validate(options).Failures!);

        Assert.Equal("Secrets:CardLookupKey must be base64 of at least 32 bytes.", failure);
    }

    [Fact]
    public void Validate_ExactlyThirtyTwoBytes_Succeeds()
    {
        var options = Good();
        options.CodeKey = Random(32);

        Assert.True(Validate(options).Succeeded);
    }

    [Fact]
    public void Validate_LongSecret_Succeeds()
    {
        // "at least 32 bytes": a longer key is still a valid key.
        var options = Good();
        options.CodeKey = Random(512);

        var result = Validate(options);

        Assert.True(result.Succeeded, result.FailureMessage);
    }

    [Theory]
    [InlineData("Production")]
    [InlineData("Staging")]
    [InlineData("Test")]
    public void Validate_DevelopmentSecretsOutsideDevelopment_Fails(string environment)
    {
        var options = new SecretsOptions { CardLookupKey = DevCardKey, CodeKey = DevCodeKey, PasswordPepper = DevPepper };

        var failures = Validate(options, environment).Failures!.ToList();

        Assert.Equal(3, failures.Count);
        Assert.All(failures, f => Assert.Contains("published development value", f, StringComparison.Ordinal));
        Assert.All(failures, f => Assert.Contains(environment, f, StringComparison.Ordinal));
    }

    [Fact]
    public void Validate_OneDevelopmentSecretInProduction_FailsForThatOne()
    {
        var options = Good();
        options.PasswordPepper = DevPepper;

        var failure = Assert.Single(Validate(options).Failures!);

        Assert.StartsWith("Secrets:PasswordPepper is the published development value", failure, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_DevelopmentSecretsInDevelopment_Succeed()
    {
        var options = new SecretsOptions { CardLookupKey = DevCardKey, CodeKey = DevCodeKey, PasswordPepper = DevPepper };

        Assert.True(Validate(options, "Development").Succeeded);
    }

    [Fact]
    public void DevelopmentMarker_IsBase64OfDevelopmentDash()
    {
        Assert.Equal("DEVELOPMENT-", System.Text.Encoding.ASCII.GetString(Convert.FromBase64String(SecretFormat.DevelopmentMarker)));
        Assert.StartsWith(SecretFormat.DevelopmentMarker, DevCardKey, StringComparison.Ordinal);
    }

    [Fact]
    public void SecretKeys_FromOptions_DecodesEachKey()
    {
        var options = Good();
        options.PasswordPepperId = "p7";

        var keys = new SecretKeys(Options.Create(options));

        Assert.Equal(Convert.FromBase64String(options.CardLookupKey), keys.CardLookupKey);
        Assert.Equal(Convert.FromBase64String(options.CodeKey), keys.CodeKey);
        Assert.Equal(Convert.FromBase64String(options.PasswordPepper), keys.PasswordPepper);
        Assert.Equal("p7", keys.PasswordPepperId);
    }
}
