using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.Hosting;
using Recovery.AuthServer.Passwords;

namespace Recovery.AuthServer.IntegrationTests;

/// <summary>
/// The password lists fail closed: a server that cannot load them must not start and then judge
/// passwords without them.
/// </summary>
public sealed class PasswordListStartupTests : IDisposable
{
    private readonly string folder = Path.Combine(Path.GetTempPath(), "no-lists-" + Guid.NewGuid().ToString("N"));

    public PasswordListStartupTests() => Directory.CreateDirectory(folder);

    public void Dispose() => Directory.Delete(folder, recursive: true);

    [Fact]
    public async Task Start_CommonPasswordListMissing_ServerRefusesToStart()
    {
        await using var factory = Server(folder);

        var e = await Assert.ThrowsAsync<FileNotFoundException>(() => Task.Run(() => factory.Server).WaitAsync(TimeSpan.FromSeconds(30)));
        Assert.Contains(CommonPasswordList.FileName, e.Message);
    }

    [Fact]
    public async Task Start_StrengthDictionariesMissing_ServerRefusesToStart()
    {
        File.Copy(Path.Combine(AppContext.BaseDirectory, "Data", CommonPasswordList.FileName), Path.Combine(folder, CommonPasswordList.FileName));
        await using var factory = Server(folder);

        var e = await Assert.ThrowsAsync<FileNotFoundException>(() => Task.Run(() => factory.Server).WaitAsync(TimeSpan.FromSeconds(30)));
        Assert.Contains("strength", e.Message);
    }

    private static WebApplicationFactory<Program> Server(string dataDirectory) =>
        new WebApplicationFactory<Program>().WithWebHostBuilder(builder =>
        {
            builder.UseEnvironment(Environments.Development);
            builder.UseSetting("Passwords:Policy:DataDirectory", dataDirectory);
        });
}
