using Recovery.AuthServer.Hosting;
using Recovery.AuthServer.Passwords;
using Recovery.AuthServer.UnitTests.TestSupport;

namespace Recovery.AuthServer.UnitTests.Hosting;

public class Argon2CostValidatorTests
{
    [Theory]
    [InlineData("Production")]
    [InlineData("Staging")]
    [InlineData("Development")]
    public void Validate_ShippedDefaults_SucceedsEverywhere(string environment)
    {
        Assert.True(Validate(environment, new Argon2Options()).Succeeded);
    }

    [Fact]
    public void Validate_TestProfileInDevelopment_Succeeds()
    {
        Assert.True(Validate("Development", new Argon2Options { MemoryKib = 8, Iterations = 1 }).Succeeded);
    }

    [Theory]
    [InlineData("Production")]
    [InlineData("Staging")]
    [InlineData("Test")]
    public void Validate_TestProfileOutsideDevelopment_FailsNamingBothKeysAndTheirMinimum(string environment)
    {
        var failures = Validate(environment, new Argon2Options { MemoryKib = 8, Iterations = 1 }).Failures!.ToList();

        Assert.Equal(2, failures.Count);
        Assert.StartsWith("Passwords:Argon2:MemoryKib is 8, below OWASP's minimum of 19456 KiB: a lower cost runs only in Development, not in " + environment, failures[0], StringComparison.Ordinal);
        Assert.StartsWith("Passwords:Argon2:Iterations is 1, below OWASP's minimum of 2: a lower cost runs only in Development, not in " + environment, failures[1], StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(19_455, 2)]
    [InlineData(19_456, 1)]
    public void Validate_OneStepBelowTheMinimumInProduction_FailsForThatKeyAlone(int memoryKib, int iterations)
    {
        var failure = Assert.Single(Validate("Production", new Argon2Options { MemoryKib = memoryKib, Iterations = iterations }).Failures!);

        Assert.StartsWith(memoryKib < Argon2Options.MinimumMemoryKib ? "Passwords:Argon2:MemoryKib" : "Passwords:Argon2:Iterations", failure, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_BelowArgonsFloorForItsLanesInDevelopment_Fails()
    {
        var failure = Assert.Single(Validate("Development", new Argon2Options { MemoryKib = 16, Iterations = 1, Parallelism = 4 }).Failures!);

        Assert.StartsWith("Passwords:Argon2:MemoryKib is 16, below Argon2's floor of 8 KiB per lane (32 KiB for Parallelism 4)", failure, StringComparison.Ordinal);
    }

    private static Microsoft.Extensions.Options.ValidateOptionsResult Validate(string environment, Argon2Options options) =>
        new Argon2CostValidator(new TestHostEnvironment(environment)).Validate(null, options);
}
