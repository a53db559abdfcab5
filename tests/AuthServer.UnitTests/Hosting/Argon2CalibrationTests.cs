using Recovery.AuthServer.Hosting;

namespace Recovery.AuthServer.UnitTests.Hosting;

public class Argon2CalibrationTests
{
    [Theory]
    [InlineData("argon2", "calibrate")]
    [InlineData("argon2", "calibrate", "--target-ms", "0")]
    [InlineData("argon2", "calibrate", "--target-ms", "50", "--engine", "Turbo")]
    [InlineData("argon2", "calibrate", "--bogus")]
    public void Run_BadArguments_UsageAndExitCode2(params string[] args)
    {
        using var output = new StringWriter();

        Assert.Equal(2, Argon2Calibration.Run(args, output));
        Assert.Contains("Usage: AuthServer argon2 calibrate", output.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void Run_TargetBelowTheMinimumCost_RecommendsTheOwaspMinimumNeverLess()
    {
        using var output = new StringWriter();

        Assert.Equal(0, Argon2Calibration.Run(["argon2", "calibrate", "--target-ms", "1", "--engine", "Libsodium"], output));
        Assert.Contains("Recommended: m=19456 KiB, t=2, p=1.", output.ToString(), StringComparison.Ordinal);
        Assert.Contains("\"MemoryKib\": 19456, \"Iterations\": 2, \"Parallelism\": 1", output.ToString(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(true, "argon2", "calibrate", "--target-ms", "5")]
    [InlineData(false, "argon2")]
    [InlineData(false, "--help")]
    public void IsRequested_Args_OnlyTheArgon2CalibrateCommand(bool expected, params string[] args)
    {
        Assert.Equal(expected, Argon2Calibration.IsRequested(args));
    }
}
