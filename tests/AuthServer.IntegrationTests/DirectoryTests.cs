using Grpc.Core;
using Microsoft.Extensions.DependencyInjection;
using Recovery.AuthServer.Customers;
using Recovery.AuthServer.IntegrationTests.Infrastructure;
using Recovery.AuthServer.Notifications;
using Recovery.V1;

namespace Recovery.AuthServer.IntegrationTests;

/// <summary>DirectoryService through a real channel: admin token, upsert, import, status. Run on both store providers.</summary>
public abstract class DirectoryTests : IntegrationTest
{
    private protected DirectoryTests(ServerOptions? options = null)
        : base(options)
    {
    }

    private DirectoryService.DirectoryServiceClient Directory => new(Api.Channel);

    private ICustomerStore Store => Factory.Services.GetRequiredService<ICustomerStore>();

    [Fact]
    public async Task UpsertCustomer_NewCustomer_StatusShowsActiveWithItsCard()
    {
        var customer = SyntheticCustomer.Make(1);
        customer.InitialPassword = DemoCustomer.NewPassword;

        var upserted = await Directory.UpsertCustomerAsync(new UpsertCustomerRequest { Customer = customer }, Admin()).ResponseAsync.WaitAsync(RecoveryApi.Timeout);
        var status = await Directory.GetCustomerStatusAsync(new GetCustomerStatusRequest { UserCode = customer.UserCode }, Admin()).ResponseAsync.WaitAsync(RecoveryApi.Timeout);

        Assert.Equal(customer.CustomerId, upserted.CustomerId);
        Assert.Equal((customer.CustomerId, V1.CredentialState.Active, false, true, 0, 1),
            (status.CustomerId, status.CredentialState, status.PasswordChangeRequired, status.HasPassword, status.FailedLogins, status.CardCount));
        Assert.Null(status.RecoveryBlockedUntilTime);

        // The initial password was hashed with the server's hasher: it opens a session.
        Assert.Equal(LoginResponse.ResultOneofCase.Session, (await Api.LoginAsync(customer.UserCode, DemoCustomer.NewPassword)).ResultCase);
    }

    [Fact]
    public async Task UpsertCustomer_ExistingCustomerId_AlreadyExistsAndUnchanged()
    {
        var customer = SyntheticCustomer.Make(2);
        await Directory.UpsertCustomerAsync(new UpsertCustomerRequest { Customer = customer }, Admin()).ResponseAsync.WaitAsync(RecoveryApi.Timeout);
        var changed = customer.Clone();
        changed.Email = "changed@example.es";

        (await RefusedAsync(() => Directory.UpsertCustomerAsync(new UpsertCustomerRequest { Customer = changed }, Admin()).ResponseAsync))
            .Is(StatusCode.AlreadyExists, "CUSTOMER_EXISTS");

        Assert.Equal(customer.Email, (await Store.GetAsync(customer.CustomerId, CancellationToken.None))!.Email);
    }

    [Fact]
    public async Task GetCustomerStatus_SeedCustomer_BlockedWithoutSecrets()
    {
        var status = await Directory.GetCustomerStatusAsync(new GetCustomerStatusRequest { CustomerId = DemoCustomer.Seed.Id }, Admin()).ResponseAsync.WaitAsync(RecoveryApi.Timeout);

        Assert.Equal((DemoCustomer.Seed.UserCode, V1.CredentialState.Blocked), (status.UserCode, status.CredentialState));
    }

    [Fact]
    public async Task GetCustomerStatus_UnknownUserCode_NotFound() =>
        (await RefusedAsync(() => Directory.GetCustomerStatusAsync(new GetCustomerStatusRequest { UserCode = "99999999" }, Admin()).ResponseAsync))
            .Is(StatusCode.NotFound, "CUSTOMER_NOT_FOUND");

    [Fact]
    public async Task ImportCustomers_ManyCustomers_CountsThemAndAnImportedCardStartsARealRecovery()
    {
        const int count = 25;
        var response = await ImportAsync(Enumerable.Range(100, count).Select(SyntheticCustomer.Make), Admin());

        Assert.Equal((count, 0, 0), (response.Imported, response.AlreadyExisting, response.Rejected));

        // The imported customer is real: StartRecovery with their card sends the SMS to their phone.
        var mark = Outbox.Count;
        await Api.StartAsync(SyntheticCustomer.Card(107), SyntheticCustomer.Expiry, SyntheticCustomer.Document(107));
        var sms = Outbox.Single(mark, NotificationTemplates.RecoveryCode);
        Assert.Equal(SyntheticCustomer.Phone(107), sms.To);

        // A second import of the same file changes nothing and says so.
        var again = await ImportAsync(Enumerable.Range(100, count).Select(SyntheticCustomer.Make), Admin());
        Assert.Equal((0, count, 0), (again.Imported, again.AlreadyExisting, again.Rejected));
    }

    [Fact]
    public async Task ImportCustomers_BadLuhnBadDocumentDuplicateUserCode_RejectedAndNothingOfThemStored()
    {
        var badLuhn = SyntheticCustomer.Make(201);
        var card = badLuhn.Cards[0].CardNumber;
        badLuhn.Cards[0].CardNumber = card[..^1] + (char)('0' + ((card[^1] - '0' + 1) % 10));
        var badDocument = SyntheticCustomer.Make(202);
        badDocument.DocumentId = "12345678A";
        var duplicateUserCode = SyntheticCustomer.Make(203);
        duplicateUserCode.UserCode = DemoCustomer.Maria.UserCode;

        var response = await ImportAsync([SyntheticCustomer.Make(200), badLuhn, badDocument, duplicateUserCode], Admin());

        Assert.Equal((1, 0, 3), (response.Imported, response.AlreadyExisting, response.Rejected));
        Assert.Equal([1, 2, 3], response.Rejections.Select(r => r.Index));
        Assert.Equal(["INVALID_FIELDS", "INVALID_FIELDS", "CUSTOMER_CONFLICT"], response.Rejections.Select(r => r.Reason));
        Assert.Contains("customer.cards[0].card_number", response.Rejections[0].Details[0], StringComparison.Ordinal);
        Assert.Contains("customer.document_id", response.Rejections[1].Details[0], StringComparison.Ordinal);
        foreach (var refused in new[] { badLuhn, badDocument, duplicateUserCode })
        {
            Assert.Null(await Store.GetAsync(refused.CustomerId, CancellationToken.None));
        }

        // The conflicting customer's card was not claimed either: it finds no one.
        Assert.Null(await Store.FindByCardAsync(Factory.Services.GetRequiredService<Cards.CardLookup>().HashOf(SyntheticCustomer.Card(203)), CancellationToken.None));
        Assert.Equal(DemoCustomer.Maria.Id, (await Store.FindByUserCodeAsync(DemoCustomer.Maria.UserCode, CancellationToken.None))!.Id);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("Bearer bm90LXRoZS1hZG1pbi10b2tlbi0wMTIzNDU2Nzg5LWFiY2RlZg==")]
    public async Task DirectoryService_MissingOrWrongAdminToken_UnauthenticatedAndNothingStored(string? authorization)
    {
        var headers = authorization is null ? new Metadata() : new Metadata { { "authorization", authorization } };
        var options = new CallOptions(headers, DateTime.UtcNow + RecoveryApi.Deadline);

        (await RefusedAsync(() => Directory.UpsertCustomerAsync(new UpsertCustomerRequest { Customer = SyntheticCustomer.Make(300) }, options).ResponseAsync))
            .Is(StatusCode.Unauthenticated, "ADMIN_TOKEN_INVALID");
        (await RefusedAsync(() => ImportAsync([SyntheticCustomer.Make(301)], options)))
            .Is(StatusCode.Unauthenticated, "ADMIN_TOKEN_INVALID");
        (await RefusedAsync(() => Directory.GetCustomerStatusAsync(new GetCustomerStatusRequest { CustomerId = DemoCustomer.Seed.Id }, options).ResponseAsync))
            .Is(StatusCode.Unauthenticated, "ADMIN_TOKEN_INVALID");

        Assert.Null(await Store.GetAsync(SyntheticCustomer.Make(300).CustomerId, CancellationToken.None));
        Assert.Null(await Store.GetAsync(SyntheticCustomer.Make(301).CustomerId, CancellationToken.None));
    }

    [Fact]
    public async Task UpsertCustomer_InvalidFields_InvalidArgumentNamingEachField()
    {
        var customer = SyntheticCustomer.Make(400);
        customer.Phone = "612345678";
        customer.BirthDate = "17/05/1980";

        var error = await RefusedAsync(() => Directory.UpsertCustomerAsync(new UpsertCustomerRequest { Customer = customer }, Admin()).ResponseAsync);

        error.Is(StatusCode.InvalidArgument, "INVALID_FIELDS");
        Assert.Equal(["customer.phone", "customer.birth_date"], error.Fields);
        Assert.Null(await Store.GetAsync(customer.CustomerId, CancellationToken.None));
    }

    private static CallOptions Admin() =>
        new(new Metadata { { "authorization", "Bearer " + SyntheticCustomer.DevAdminToken } }, DateTime.UtcNow + RecoveryApi.Deadline);

    private async Task<ImportCustomersResponse> ImportAsync(IEnumerable<Customer> customers, CallOptions options)
    {
        using var call = Directory.ImportCustomers(options);
        try
        {
            foreach (var customer in customers)
            {
                await call.RequestStream.WriteAsync(new ImportCustomersRequest { Customer = customer }).WaitAsync(RecoveryApi.Timeout);
            }

            await call.RequestStream.CompleteAsync().WaitAsync(RecoveryApi.Timeout);
        }
        catch (RpcException)
        {
            // The server ended the call before the client finished writing (a refused token): a write then
            // fails with a bare status, and the call's own status, with its details, is in ResponseAsync.
        }

        return await call.ResponseAsync.WaitAsync(RecoveryApi.Timeout);
    }
}
