using Grpc.Core;
using Microsoft.Extensions.DependencyInjection;
using Recovery.AuthServer.Cards;
using Recovery.AuthServer.Customers;
using Recovery.AuthServer.IntegrationTests.Infrastructure;
using Recovery.AuthServer.Notifications;
using Recovery.AuthServer.Passwords;
using Recovery.V1;
using ICustomerStore = Recovery.AuthServer.Customers.ICustomerStore;

namespace Recovery.AuthServer.IntegrationTests;

/// <summary>
/// Issue 11, "two Argon2 per flow": the reuse check and the new hash are one Argon2 at ChangePassword, whatever the
/// history, because the customer's hashes share one salt (docs/security.md "One salt per customer"). Argon2 runs are
/// counted where the work happens, the gate's computed hashes, through the real gRPC server; once per provider
/// (the sealed subclasses).
/// </summary>
public abstract class Argon2PerFlowTests : IntegrationTest
{
    /// <summary>Seven strong passwords free of the seed customer's data: six to fill the history, one more.</summary>
    private static readonly string[] Passwords =
        ["Faro#Mistral-2081", "Cobre!Nieve-5517", "Ocaso*Brujula-64", "Lince%Marea-3390", "Ambar+Cierzo-702", "Vuelo=Tilo-88412", "Sauce&Rayo-45109"];

    private static readonly string[] FlowSteps =
        ["StartRecovery", "ConfirmRecovery", "Login temporary", "ChangePassword", "SignOperation", "Login new password"];

    private protected Argon2PerFlowTests(ServerOptions options)
        : base(options)
    {
    }

    [Fact]
    public async Task FullFlow_FullHistoryBuiltByThisServer_TwoArgon2ForTheLastFlow()
    {
        var seed = DemoCustomer.Seed;
        foreach (var password in Passwords[..6])
        {
            await FlowAsync(seed, password);
        }

        var costs = await FlowAsync(seed, Passwords[6], beforeChange: async () =>
        {
            // The last flow's ChangePassword meets a full history: the password in force was retired by the recovery.
            var credentials = await CredentialsAsync(seed);
            Assert.Null(credentials.PasswordHash);
            Assert.Equal(5, credentials.History.Count);
        });

        Assert.Equal(
            ["StartRecovery: 0", "ConfirmRecovery: 0", "Login temporary: 0", "ChangePassword: 1", "SignOperation: 0", "Login new password: 1"],
            costs);
        Assert.Equal(2, costs.Sum(c => long.Parse(c.Split(": ")[1], System.Globalization.CultureInfo.InvariantCulture)));
    }

    [Fact]
    public async Task ChangePassword_LastFivePasswordsRefusedSixthOldestAccepted_OneArgon2EachAndNothingSentForARefusal()
    {
        var seed = DemoCustomer.Seed;
        foreach (var password in Passwords[..6])
        {
            await FlowAsync(seed, password);
        }

        var (ticket, temporary) = await RecoverAndLogInAsync(seed);
        var before = await CredentialsAsync(seed);
        var answers = new List<string>();

        // Newest first: Passwords[5] is in force until this recovery, Passwords[1] the fifth before it, Passwords[0]
        // the sixth, and the seed's initial password older still.
        foreach (var password in Passwords[1..6].Reverse())
        {
            var mark = Outbox.Count;
            var (error, hashes) = await CostAsync(() => RefusedAsync(() => Api.ChangePasswordAsync(ticket, temporary, password)));
            error.Is(StatusCode.InvalidArgument, "PASSWORD_POLICY_VIOLATION");
            answers.Add($"{string.Join(",", error.FieldViolations.Select(v => v.Reason))}: {hashes}");
            Assert.Empty(Outbox.Since(mark));
        }

        var after = await CredentialsAsync(seed);
        var (accepted, acceptedHashes) = await CostAsync(() => OpenChangeAsync(ticket, temporary, Passwords[0]));

        Assert.Equal(Enumerable.Repeat("PASSWORD_RULE_REUSED: 1", 5), answers);
        Assert.Equal(before.Version, after.Version);
        Assert.Equal(before.History, after.History);
        Assert.Equal(1, acceptedHashes);
        Assert.Equal(OperationState.Pending, accepted.Operation.State);
    }

    [Fact]
    public async Task ChangePassword_HistoryWithSaltsOfTheirOwn_OldEntriesStillCaughtAtOneMoreArgon2Each()
    {
        // A history as servers before the shared salt wrote it (and as an import may bring it): every hash with its
        // own random salt. The newest at today's cost lends its salt; the two older ones cost one verify each.
        var hasher = Factory.Services.GetRequiredService<IPasswordHasher>();
        var (inForce, older, oldest) = ("Antigua#Vigente-31", "Antigua#Previa-62", "Antigua#Primera-93");
        var customer = await AddCustomerAsync(new CredentialRecord
        {
            CustomerId = "legacy-0001",
            PasswordHash = await hasher.HashAsync(inForce, CancellationToken.None).WaitAsync(RecoveryApi.Timeout),
            History =
            [
                await hasher.HashAsync(older, CancellationToken.None).WaitAsync(RecoveryApi.Timeout),
                await hasher.HashAsync(oldest, CancellationToken.None).WaitAsync(RecoveryApi.Timeout),
            ],
        });
        var (ticket, temporary) = await RecoverAndLogInAsync(customer);

        var before = await CredentialsAsync(customer);
        var mark = Outbox.Count;
        var refused = new List<string>();
        foreach (var password in new[] { inForce, older, oldest })
        {
            var (error, hashes) = await CostAsync(() => RefusedAsync(() => Api.ChangePasswordAsync(ticket, temporary, password)));
            refused.Add($"{error.Violation("new_password").Reason}: {hashes}");
        }

        Assert.Empty(Outbox.Since(mark));
        Assert.Equal(before.Version, (await CredentialsAsync(customer)).Version);

        var (_, acceptedHashes) = await CostAsync(() => OpenChangeAsync(ticket, temporary, Passwords[0]));

        // The in-force one shares the salt (1); the older one is verified after it (2); the oldest after both (3).
        Assert.Equal(["PASSWORD_RULE_REUSED: 1", "PASSWORD_RULE_REUSED: 2", "PASSWORD_RULE_REUSED: 3"], refused);
        Assert.Equal(3, acceptedHashes);
    }

    /// <summary>
    /// One whole flow on this test's server: StartRecovery → ConfirmRecovery → Login with the temporary password →
    /// ChangePassword → SignOperation → Login with <paramref name="password"/>; the Argon2 runs of each step.
    /// </summary>
    private async Task<List<string>> FlowAsync(DemoCustomer customer, string password, Func<Task>? beforeChange = null)
    {
        var costs = new List<long>();
        var mark = Outbox.Count;
        var (started, hashes) = await CostAsync(() => Api.StartAsync(customer));
        costs.Add(hashes);
        var code = Outbox.Single(mark, NotificationTemplates.RecoveryCode).Values[CodeKey];

        mark = Outbox.Count;
        (_, hashes) = await CostAsync(() => Api.ConfirmAsync(started.RecoveryId, code));
        costs.Add(hashes);
        var temporary = Outbox.Single(mark, NotificationTemplates.RecoveryTemporaryPassword).Values["temporary_password"];

        var (login, loginHashes) = await CostAsync(() => Api.LoginAsync(customer.UserCode, temporary));
        costs.Add(loginHashes);
        Assert.Equal(LoginResponse.ResultOneofCase.PasswordChangeRequired, login.ResultCase);

        if (beforeChange is not null)
        {
            await beforeChange();
        }

        var ((operation, signingCode), changeHashes) = await CostAsync(() => OpenChangeAsync(login.PasswordChangeRequired.ChangeTicket, temporary, password));
        costs.Add(changeHashes);

        (_, hashes) = await CostAsync(() => Api.SignAsync(operation.OperationId, signingCode));
        costs.Add(hashes);

        var (session, sessionHashes) = await CostAsync(() => Api.LoginAsync(customer.UserCode, password));
        costs.Add(sessionHashes);
        Assert.Equal(LoginResponse.ResultOneofCase.Session, session.ResultCase);

        return [.. FlowSteps.Zip(costs, (step, cost) => $"{step}: {cost}")];
    }

    /// <summary>The call's result and the Argon2 hashes the server computed meanwhile (the gate counts each run).</summary>
    private async Task<(T Result, long Hashes)> CostAsync<T>(Func<Task<T>> call)
    {
        var gate = Factory.Services.GetRequiredService<Argon2Gate>();
        var before = gate.Computed;
        var result = await call();
        return (result, gate.Computed - before);
    }

    /// <summary>A customer with a card of their own, stored directly with <paramref name="credentials"/>.</summary>
    private async Task<DemoCustomer> AddCustomerAsync(CredentialRecord credentials)
    {
        const int n = 4_242;
        var card = SyntheticCustomer.Card(n);
        var record = new CustomerRecord
        {
            Id = credentials.CustomerId,
            UserCode = "60004242",
            DisplayName = "CLIENTE HEREDADO",
            Email = "heredado@example.es",
            Phone = SyntheticCustomer.Phone(n),
            DocumentId = SyntheticCustomer.Document(n),
            Language = "es-ES",
            Cards = [new CardRecord(Factory.Services.GetRequiredService<CardLookup>().HashOf(card), card[..6], card[^4..], SyntheticCustomer.Expiry)],
        };
        var store = Factory.Services.GetRequiredService<ICustomerStore>();
        Assert.True(await store.AddIfAbsentAsync(record, credentials, CancellationToken.None).WaitAsync(RecoveryApi.Timeout));
        return new DemoCustomer(record.Id, record.UserCode, record.DisplayName, card, SyntheticCustomer.Expiry, record.DocumentId, record.Phone, record.Email, string.Empty);
    }
}
