using Grpc.Core;
using Microsoft.Extensions.DependencyInjection;
using Recovery.AuthServer.Customers;
using Recovery.AuthServer.IntegrationTests.Infrastructure;
using Recovery.AuthServer.Notifications;
using Recovery.AuthServer.Passwords;
using Recovery.V1;

namespace Recovery.AuthServer.IntegrationTests;

/// <summary>
/// Issue 9 item 11: text that <c>string.Normalize</c> cannot take (U+FFFE throws; U+FFFF and the other
/// noncharacters are refused with it) is refused as INVALID_ARGUMENT naming the field before any work,
/// on every RPC that normalises — never INTERNAL, never an exception in the log. (Lone surrogates cannot
/// cross the wire as UTF-8; the unit tests of UnicodeText and RequestValidator cover them.)
/// </summary>
public sealed class UnnormalizableTextTests : IntegrationTest
{
    public static TheoryData<string> Noncharacters => ["\uFFFE", "\uFFFF", "\uFDD0", "\uD83F\uDFFE"];

    private Argon2Gate Gate => Factory.Services.GetRequiredService<Argon2Gate>();

    private DirectoryService.DirectoryServiceClient Directory => new(Api.Channel);

    [Theory]
    [MemberData(nameof(Noncharacters))]
    public async Task Login_PasswordWithNoncharacter_InvalidArgumentNamingPasswordBeforeAnyWork(string bad)
    {
        var maria = DemoCustomer.Maria;
        var hashes = Gate.Computed;

        var withPassword = await RefusedAsync(() => Api.LoginAsync(maria.UserCode, maria.InitialPassword + bad));
        var unknown = await RefusedAsync(() => Api.LoginAsync("99999999", maria.InitialPassword + bad));

        withPassword.Is(StatusCode.InvalidArgument, "INVALID_FIELDS");
        Assert.Equal("PASSWORD_RULE_CHARACTERS", withPassword.Violation("password").Reason);
        Assert.Equal((withPassword.StatusCode, withPassword.Reason, "PASSWORD_RULE_CHARACTERS"), (unknown.StatusCode, unknown.Reason, unknown.Violation("password").Reason));
        Assert.Equal(hashes, Gate.Computed);
        Assert.Empty(Audit.Events);
        Assert.Equal(0, (await CredentialsAsync(maria)).FailedLogins);
        Assert.Empty(Logs.Errors);
    }

    [Fact]
    public async Task Login_UserCodeWithNoncharacter_InvalidArgumentNamingUserCode()
    {
        var error = await RefusedAsync(() => Api.LoginAsync("1000\uFFFE0002", DemoCustomer.Maria.InitialPassword));

        error.Is(StatusCode.InvalidArgument, "INVALID_FIELDS");
        Assert.Equal("CHARACTERS", error.Violation("user_code").Reason);
        Assert.Empty(Audit.Events);
        Assert.Empty(Logs.Errors);
    }

    [Theory]
    [MemberData(nameof(Noncharacters))]
    public async Task EvaluatePassword_NoncharacterPassword_InvalidArgumentNamingPassword(string bad)
    {
        var error = await RefusedAsync(() => Api.EvaluateAsync("Tortuga-Lunar-73!" + bad));

        error.Is(StatusCode.InvalidArgument, "INVALID_FIELDS");
        Assert.Equal("PASSWORD_RULE_CHARACTERS", error.Violation("password").Reason);
        Assert.Empty(Logs.Errors);
    }

    [Theory]
    [MemberData(nameof(Noncharacters))]
    public async Task ChangePassword_NoncharacterInAnyPassword_InvalidArgumentNamingItAndNothingSentOrChanged(string bad)
    {
        var (ticket, temporary) = await RecoverAndLogInAsync(DemoCustomer.Seed);
        var before = await CredentialsAsync(DemoCustomer.Seed);
        var hashes = Gate.Computed;
        var mark = Outbox.Count;

        var newPassword = await RefusedAsync(() => Api.ChangePasswordAsync(ticket, temporary, DemoCustomer.NewPassword + bad));
        var current = await RefusedAsync(() => Api.ChangePasswordAsync(ticket, temporary + bad, DemoCustomer.NewPassword));

        newPassword.Is(StatusCode.InvalidArgument, "INVALID_FIELDS");
        Assert.Equal("PASSWORD_RULE_CHARACTERS", newPassword.Violation("new_password").Reason);
        Assert.Equal("PASSWORD_RULE_CHARACTERS", newPassword.Violation("repeat_password").Reason);
        current.Is(StatusCode.InvalidArgument, "INVALID_FIELDS");
        Assert.Equal("PASSWORD_RULE_CHARACTERS", current.Violation("current_password").Reason);
        Assert.Empty(Outbox.Since(mark));
        Assert.Equal(hashes, Gate.Computed);
        var after = await CredentialsAsync(DemoCustomer.Seed);
        Assert.Equal((before.Version, before.FailedLogins, before.State), (after.Version, after.FailedLogins, after.State));
        Assert.Empty(Logs.Errors);

        // The ticket still works: nothing about the refused calls was held against the customer.
        await OpenChangeAsync(ticket, temporary, DemoCustomer.NewPassword);
        Assert.Equal(1, Outbox.All.Count(n => n.Template == NotificationTemplates.OperationCode));
    }

    [Fact]
    public async Task UpsertCustomer_NoncharacterInNameOrInitialPassword_InvalidArgumentNamingEachAndNothingStored()
    {
        var customer = SyntheticCustomer.Make(900);
        customer.DisplayName = "CLIENTE \uFFFE SINTETICO";
        customer.InitialPassword = "Tortuga-Lunar-73!\uFFFF";
        var hashes = Gate.Computed;

        var error = await RefusedAsync(() => Directory.UpsertCustomerAsync(new UpsertCustomerRequest { Customer = customer }, Admin()).ResponseAsync);

        error.Is(StatusCode.InvalidArgument, "INVALID_FIELDS");
        Assert.Equal("CHARACTERS", error.Violation("customer.display_name").Reason);
        Assert.Equal("PASSWORD_RULE_CHARACTERS", error.Violation("customer.initial_password").Reason);
        Assert.Null(await Factory.Services.GetRequiredService<ICustomerStore>().GetAsync(customer.CustomerId, CancellationToken.None));
        Assert.Equal(hashes, Gate.Computed);
        Assert.Empty(Logs.Errors);
    }

    private static CallOptions Admin() =>
        new(new Metadata { { "authorization", "Bearer " + SyntheticCustomer.DevAdminToken } }, DateTime.UtcNow + RecoveryApi.Deadline);
}
