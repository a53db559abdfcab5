using Microsoft.Extensions.DependencyInjection;
using Recovery.AuthServer.Customers;
using Recovery.AuthServer.IntegrationTests.Infrastructure;
using Recovery.Client;

namespace Recovery.AuthServer.IntegrationTests;

/// <summary>The AuthClient <c>import</c> and <c>status</c> commands run in-process against the server.</summary>
public sealed class ImportCliTests : IntegrationTest
{
    private const string Header = "customer_id,user_code,display_name,email,phone,document_id,birth_date,language_code,card_number,card_expiry,initial_password";

    private readonly string directory = Directory.CreateTempSubdirectory("recovery-import-").FullName;

    private ICustomerStore Store => Factory.Services.GetRequiredService<ICustomerStore>();

    [Fact]
    public async Task Import_Csv_PrintsCountsAndStoresTheCustomers()
    {
        var path = Write("customers.csv", Header, Row(1), Row(2), "\"syn-000003\",70000003,\"GARCÍA, ANA\",a@example.es,+34600000003,00000003A,,en,,,");

        var (exitCode, stdout, stderr) = await RunCliAsync("import", "--file", path, "--admin-token", SyntheticCustomer.DevAdminToken);

        Assert.True(exitCode == 0, $"exit {exitCode}\nstdout:\n{stdout}\nstderr:\n{stderr}");
        Assert.Contains("imported: 3", stdout, StringComparison.Ordinal);
        Assert.Contains("rejected: 0", stdout, StringComparison.Ordinal);
        Assert.Equal("GARCÍA, ANA", (await Store.GetAsync("syn-000003", CancellationToken.None))!.DisplayName);
        Assert.Single((await Store.GetAsync("syn-000001", CancellationToken.None))!.Cards);
    }

    [Fact]
    public async Task Import_JsonWithABadCard_ExitsOneCountingTheRejection()
    {
        var bad = SyntheticCustomer.Make(5);
        var path = Write("customers.json",
            "[" + Json(SyntheticCustomer.Make(4), SyntheticCustomer.Card(4)) + "," + Json(bad, "4999990000000001") + "]");

        var (exitCode, stdout, stderr) = await RunCliAsync("import", "--file", path, "--admin-token", SyntheticCustomer.DevAdminToken);

        Assert.True(exitCode == 1, $"exit {exitCode}\nstdout:\n{stdout}\nstderr:\n{stderr}");
        Assert.Contains("imported: 1", stdout, StringComparison.Ordinal);
        Assert.Contains("rejected: 1", stdout, StringComparison.Ordinal);
        Assert.Contains("customer.cards[0].card_number", stdout, StringComparison.Ordinal);
        Assert.Null(await Store.GetAsync(bad.CustomerId, CancellationToken.None));
    }

    [Fact]
    public async Task Import_WrongAdminToken_ExitsOneAndStoresNothing()
    {
        var path = Write("customers.csv", Header, Row(6));

        var (exitCode, _, stderr) = await RunCliAsync("import", "--file", path, "--admin-token", "bm90LXRoZS1hZG1pbi10b2tlbi0wMTIzNDU2Nzg5LWFiY2RlZg==", "--no-input");

        Assert.Equal(1, exitCode);
        Assert.Contains("ADMIN_TOKEN_INVALID", stderr, StringComparison.Ordinal);
        Assert.Null(await Store.GetAsync("syn-000006", CancellationToken.None));
    }

    [Fact]
    public async Task Import_UnknownColumn_UsageErrorAndSendsNothing()
    {
        var path = Write("customers.csv", Header + ",pin", Row(7) + ",1234");

        var (exitCode, _, stderr) = await RunCliAsync("import", "--file", path, "--admin-token", SyntheticCustomer.DevAdminToken);

        Assert.Equal(2, exitCode);
        Assert.Contains("pin", stderr, StringComparison.Ordinal);
        Assert.Null(await Store.GetAsync("syn-000007", CancellationToken.None));
    }

    [Fact]
    public async Task Import_Help_NamesTheColumnsAndExitsZero()
    {
        var (exitCode, stdout, _) = await RunCliAsync("import", "--help");

        Assert.Equal(0, exitCode);
        Assert.Contains(Header, stdout, StringComparison.Ordinal);
        Assert.Contains("--admin-token", stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Status_SeedCustomer_PrintsBlocked()
    {
        var (exitCode, stdout, stderr) = await RunCliAsync("status", "--user-code", DemoCustomer.Seed.UserCode, "--admin-token", SyntheticCustomer.DevAdminToken);

        Assert.True(exitCode == 0, $"exit {exitCode}\nstdout:\n{stdout}\nstderr:\n{stderr}");
        Assert.Contains("credentials: BLOCKED", stdout, StringComparison.Ordinal);
        Assert.Contains("cards: 1", stdout, StringComparison.Ordinal);
    }

    public override async Task DisposeAsync()
    {
        await base.DisposeAsync();
        Directory.Delete(directory, recursive: true);
    }

    private static string Row(int n)
    {
        var c = SyntheticCustomer.Make(n);
        return string.Join(',', c.CustomerId, c.UserCode, c.DisplayName, c.Email, c.Phone, c.DocumentId, c.BirthDate, c.LanguageCode,
            c.Cards[0].CardNumber, c.Cards[0].Expiry, string.Empty);
    }

    private static string Json(V1.Customer c, string card) =>
        System.Text.Json.JsonSerializer.Serialize(new Dictionary<string, string>
        {
            ["customer_id"] = c.CustomerId,
            ["user_code"] = c.UserCode,
            ["display_name"] = c.DisplayName,
            ["email"] = c.Email,
            ["phone"] = c.Phone,
            ["document_id"] = c.DocumentId,
            ["card_number"] = card,
            ["card_expiry"] = SyntheticCustomer.Expiry,
        });

    private string Write(string name, params string[] lines)
    {
        var path = Path.Combine(directory, name);
        File.WriteAllText(path, string.Join('\n', lines) + "\n");
        return path;
    }
}
