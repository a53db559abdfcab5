using Microsoft.Extensions.FileProviders;
using Microsoft.Extensions.Hosting;

namespace Recovery.AuthServer.UnitTests.TestSupport;

internal sealed class TestHostEnvironment(string environmentName) : IHostEnvironment
{
    public string EnvironmentName { get; set; } = environmentName;

    public string ApplicationName { get; set; } = "AuthServer.UnitTests";

    public string ContentRootPath { get; set; } = AppContext.BaseDirectory;

    public IFileProvider ContentRootFileProvider { get; set; } = new NullFileProvider();
}
