using Microsoft.Extensions.Configuration;
using Recovery.AuthServer.Observability;

namespace Recovery.AuthServer.UnitTests.Observability;

public sealed class ObservabilityOptionsValidatorTests
{
    [Theory]
    [InlineData("https://127.0.0.1:9464", "is not http://host:port")]
    [InlineData("http://127.0.0.1", "is not http://host:port")]
    [InlineData("http://127.0.0.1:9464/metrics", "is not http://host:port")]
    [InlineData("http://127.0.0.1:99999", "the port must be 1-65535")]
    [InlineData("http://metrics.internal:9464", "the host must be an IP address")]
    [InlineData("http://127.0.0.1:5055", "which the gRPC server listens on")]
    [InlineData("http://127.0.0.1:9464;http://[::1]:5055", "which the gRPC server listens on")]
    public void Validate_BadScrapeUrl_OneFailureNamingTheKey(string urls, string expected)
    {
        var result = Validator("http://127.0.0.1:5055").Validate(null, new ObservabilityOptions { Prometheus = { Urls = urls } });

        var failure = Assert.Single(result.Failures ?? []);
        Assert.StartsWith("Observability:Prometheus:Urls", failure, StringComparison.Ordinal);
        Assert.Contains(expected, failure, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("")]
    [InlineData("http://127.0.0.1:9464")]
    [InlineData("http://localhost:9464")]
    [InlineData("http://*:9464")]
    [InlineData("http://0.0.0.0:9464; http://[::1]:9465/")]
    public void Validate_ScrapeUrlOnItsOwnPort_Succeeds(string urls)
    {
        var result = Validator("http://127.0.0.1:5055").Validate(null, new ObservabilityOptions { Prometheus = { Urls = urls } });

        Assert.True(result.Succeeded, result.FailureMessage);
    }

    [Fact]
    public void Validate_NoUrlsConfigured_KestrelsDefaultPortIsTheGrpcPort()
    {
        var result = Validator(null).Validate(null, new ObservabilityOptions { Prometheus = { Urls = "http://127.0.0.1:5000" } });

        Assert.Contains("which the gRPC server listens on", Assert.Single(result.Failures ?? []), StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_PathWithoutSlash_Refused()
    {
        var result = Validator("http://127.0.0.1:5055").Validate(null, new ObservabilityOptions { Prometheus = { Urls = "http://127.0.0.1:9464", Path = "metrics" } });

        Assert.StartsWith("Observability:Prometheus:Path", Assert.Single(result.Failures ?? []), StringComparison.Ordinal);
    }

    private static ObservabilityOptionsValidator Validator(string? urls) =>
        new(new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { ["urls"] = urls }).Build());
}
