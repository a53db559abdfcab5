using Grpc.Net.Client;
using Microsoft.Extensions.DependencyInjection;
using Recovery.AuthServer.IntegrationTests.Infrastructure;
using Recovery.AuthServer.Passwords;
using Recovery.AuthServer.Passwords.Strength;
using Recovery.V1;

namespace Recovery.AuthServer.IntegrationTests;

/// <summary>
/// The tests' in-process servers are cheap without being fake (tests/README.md): real Argon2id at the test profile
/// unless a test asks for the shipped cost, and the word lists loaded once per test process, afresh for other files,
/// never kept when they fail to load.
/// </summary>
public sealed class TestServerCostTests : IDisposable
{
    private readonly string folder = Path.Combine(Path.GetTempPath(), "word-lists-" + Guid.NewGuid().ToString("N"));

    public TestServerCostTests() => Directory.CreateDirectory(folder);

    public void Dispose() => Directory.Delete(folder, recursive: true);

    [Fact]
    public async Task Login_DefaultTestServer_RealArgon2idAtTheTestProfile()
    {
        await using var server = new RecoveryServerFactory(ServerOptions.Default);

        var hash = await HashOfMariaAsync(server);

        Assert.StartsWith($"$argon2id$v=19$m={TestArgon2Profile.MemoryKib},t={TestArgon2Profile.Iterations},p=1,", hash, StringComparison.Ordinal);
        Assert.Equal(LoginResponse.ResultOneofCase.Session, (await LoginMariaAsync(server)).ResultCase);
    }

    [Fact]
    public async Task Login_ServerAskingForProductionCost_HashesAtTheShippedCost()
    {
        await using var server = new RecoveryServerFactory(new ServerOptions(ProductionArgon2Cost: true));

        var hash = await HashOfMariaAsync(server);

        Assert.StartsWith($"$argon2id$v=19$m={Argon2Options.MinimumMemoryKib},t={Argon2Options.MinimumIterations},p=1,", hash, StringComparison.Ordinal);
        Assert.Equal(LoginResponse.ResultOneofCase.Session, (await LoginMariaAsync(server)).ResultCase);
    }

    [Fact]
    public async Task Start_TwoServersOnTheShippedLists_ShareOneLoadedInstanceOfEach()
    {
        await using var first = new RecoveryServerFactory(ServerOptions.Default);
        await using var second = new RecoveryServerFactory(ServerOptions.Default);

        Assert.Same(first.Services.GetRequiredService<CommonPasswordList>(), second.Services.GetRequiredService<CommonPasswordList>());
        Assert.Same(first.Services.GetRequiredService<StrengthDictionaries>(), second.Services.GetRequiredService<StrengthDictionaries>());
        Assert.Same(first.Services.GetRequiredService<StrengthEstimator>(), second.Services.GetRequiredService<StrengthEstimator>());
    }

    [Fact]
    public async Task Start_OtherBankWords_OwnEstimatorOverTheSharedDictionaries()
    {
        await using var shipped = new RecoveryServerFactory(ServerOptions.Default);
        await using var other = new RecoveryServerFactory(new ServerOptions(Settings: new Dictionary<string, string> { ["Passwords:Policy:BankWords:0"] = "otrobanco" }));

        Assert.Same(shipped.Services.GetRequiredService<StrengthDictionaries>(), other.Services.GetRequiredService<StrengthDictionaries>());
        Assert.NotSame(shipped.Services.GetRequiredService<StrengthEstimator>(), other.Services.GetRequiredService<StrengthEstimator>());
    }

    [Fact]
    public async Task Start_ACopyOfTheListsElsewhere_LoadedAfreshFromThere()
    {
        CopyShippedLists(folder);
        await using var shipped = new RecoveryServerFactory(ServerOptions.Default);
        await using var copy = Server(folder);

        Assert.NotSame(shipped.Services.GetRequiredService<CommonPasswordList>(), copy.Services.GetRequiredService<CommonPasswordList>());
        Assert.Equal(shipped.Services.GetRequiredService<CommonPasswordList>().Count, copy.Services.GetRequiredService<CommonPasswordList>().Count);
    }

    [Fact]
    public async Task Start_ListMissingThenRestored_RefusedEachTimeItIsMissingNeverServedFromTheCache()
    {
        CopyShippedLists(folder);
        var common = Path.Combine(folder, CommonPasswordList.FileName);
        var moved = common + ".away";
        File.Move(common, moved);

        for (var attempt = 0; attempt < 2; attempt++)
        {
            await using var missing = Server(folder);
            var e = await Assert.ThrowsAsync<FileNotFoundException>(() => Task.Run(() => missing.Server).WaitAsync(RecoveryApi.Timeout));
            Assert.Contains(CommonPasswordList.FileName, e.Message, StringComparison.Ordinal);
        }

        File.Move(moved, common);
        await using var restored = Server(folder);
        Assert.True(restored.Services.GetRequiredService<CommonPasswordList>().Contains("123456"));
    }

    private static RecoveryServerFactory Server(string dataDirectory) =>
        new(new ServerOptions(Settings: new Dictionary<string, string> { ["Passwords:Policy:DataDirectory"] = dataDirectory }));

    private static void CopyShippedLists(string to)
    {
        var from = Path.Combine(AppContext.BaseDirectory, "Data");
        Directory.CreateDirectory(Path.Combine(to, StrengthDictionaries.Folder));
        File.Copy(Path.Combine(from, CommonPasswordList.FileName), Path.Combine(to, CommonPasswordList.FileName));
        foreach (var file in Directory.GetFiles(Path.Combine(from, StrengthDictionaries.Folder)))
        {
            File.Copy(file, Path.Combine(to, StrengthDictionaries.Folder, Path.GetFileName(file)));
        }
    }

    private static async Task<string> HashOfMariaAsync(RecoveryServerFactory server)
    {
        var store = server.Services.GetRequiredService<Customers.ICustomerStore>();
        var credentials = await store.GetCredentialsAsync(DemoCustomer.Maria.Id, CancellationToken.None).WaitAsync(RecoveryApi.Timeout);
        return credentials!.PasswordHash!;
    }

    private static async Task<LoginResponse> LoginMariaAsync(RecoveryServerFactory server)
    {
        using var api = new RecoveryApi(GrpcChannel.ForAddress(server.Server.BaseAddress, new GrpcChannelOptions { HttpHandler = server.Server.CreateHandler() }));
        return await api.LoginAsync(DemoCustomer.Maria.UserCode, DemoCustomer.Maria.InitialPassword);
    }
}
