using Grpc.Core;
using Recovery.AuthServer.IntegrationTests.Infrastructure;
using Recovery.V1;

namespace Recovery.AuthServer.IntegrationTests;

/// <summary>Scenarios 7, 9 and 13: what ChangePassword refuses, and the change ticket's idle limit.</summary>
public sealed class ChangePasswordTests : IntegrationTest
{
    private const string Temporary = "{temporary}";

    public static TheoryData<string, string, string, string, string> RefusedPasswords { get; } = new()
    {
        // new password, repeat, ErrorInfo reason, field, violation reason
        { "abcdefgh1", "abcdefgh1", "PASSWORD_POLICY_VIOLATION", "new_password", "PASSWORD_RULE_STRENGTH" },
        { "Abc#12", "Abc#12", "PASSWORD_POLICY_VIOLATION", "new_password", "PASSWORD_RULE_MIN_LENGTH" },
        { "Nombre#Tortuga73", "Nombre#Tortuga73", "PASSWORD_POLICY_VIOLATION", "new_password", "PASSWORD_RULE_PERSONAL_DATA" },
        { "Vela#12345678Zeta", "Vela#12345678Zeta", "PASSWORD_POLICY_VIOLATION", "new_password", "PASSWORD_RULE_PERSONAL_DATA" },
        { "Sbarrios#Kiwi73", "Sbarrios#Kiwi73", "PASSWORD_POLICY_VIOLATION", "new_password", "PASSWORD_RULE_PERSONAL_DATA" },
        { "Kiwi#10000001Rio", "Kiwi#10000001Rio", "PASSWORD_POLICY_VIOLATION", "new_password", "PASSWORD_RULE_PERSONAL_DATA" },
        { "Kiwi#612345331!", "Kiwi#612345331!", "PASSWORD_POLICY_VIOLATION", "new_password", "PASSWORD_RULE_PERSONAL_DATA" },
        { "Kiwi#19800615Rio", "Kiwi#19800615Rio", "PASSWORD_POLICY_VIOLATION", "new_password", "PASSWORD_RULE_PERSONAL_DATA" },
        { "Tortuga-Lunar-73!Extra", "Tortuga-Lunar-73!Extra", "PASSWORD_POLICY_VIOLATION", "new_password", "PASSWORD_RULE_MAX_LENGTH" },
        { "Contrasena123", "Contrasena123", "PASSWORD_POLICY_VIOLATION", "new_password", "PASSWORD_RULE_COMMON_PASSWORD" },
        { "P@ssw0rd", "P@ssw0rd", "PASSWORD_POLICY_VIOLATION", "new_password", "PASSWORD_RULE_COMMON_PASSWORD" },
        { DemoCustomer.NewPassword, "Tortuga-Lunar-74!", "PASSWORD_MISMATCH", "repeat_password", "PASSWORD_MISMATCH" },
        { Temporary, Temporary, "PASSWORD_POLICY_VIOLATION", "new_password", "PASSWORD_RULE_REUSED" },
        { DemoCustomer.Seed.InitialPassword, DemoCustomer.Seed.InitialPassword, "PASSWORD_POLICY_VIOLATION", "new_password", "PASSWORD_RULE_REUSED" },
    };

    [Theory]
    [MemberData(nameof(RefusedPasswords))]
    public async Task ChangePassword_PasswordBreaksRule_RefusedNamingRuleAndNothingSent(string newPassword, string repeat, string reason, string field, string rule)
    {
        var (ticket, temporary) = await RecoverAndLogInAsync(DemoCustomer.Seed);
        newPassword = newPassword.Replace(Temporary, temporary, StringComparison.Ordinal);
        repeat = repeat.Replace(Temporary, temporary, StringComparison.Ordinal);
        var mark = Outbox.Count;

        var error = await RefusedAsync(() => Api.ChangePasswordAsync(ticket, temporary, newPassword, repeat));

        error.Is(StatusCode.InvalidArgument, reason);
        Assert.Contains(error.FieldViolations, v => v.Field == field && v.Reason == rule && v.Description.Length > 0);
        Assert.Empty(Outbox.Since(mark));
        await AssertChangeRequiredAsync(DemoCustomer.Seed, temporary);
        if (newPassword != temporary)
        {
            await AssertLoginRefusedAsync(DemoCustomer.Seed, newPassword);
        }
    }

    [Theory]
    [InlineData("Nombre#Tq81xzWv")]
    [InlineData("Tq#12345678Zx!Wv")]
    [InlineData("Sbarrios#Kiwi73")]
    [InlineData("Kiwi#10000001Rio")]
    [InlineData("Kiwi#612345331!")]
    [InlineData("Kiwi#19800615Rio")]
    public async Task EvaluatePassword_PersonalDataWithoutTicket_Acceptable(string password)
    {
        // Proves that the personal-data cases above are refused for that rule alone.
        var evaluation = await Api.EvaluateAsync(password);

        Assert.True(evaluation.Acceptable, string.Join(", ", evaluation.UnmetRules.Select(r => r.Rule)));
    }

    [Fact]
    public async Task EvaluatePassword_PersonalDataWithTicket_SameVerdictAsChangePassword()
    {
        var (ticket, _) = await RecoverAndLogInAsync(DemoCustomer.Seed);

        var evaluation = await Api.EvaluateAsync("Nombre#Tq81xzWv", ticket);

        Assert.False(evaluation.Acceptable);
        Assert.Contains(evaluation.UnmetRules, r => r.Rule == PasswordRule.PersonalData && r.Required);
    }

    [Fact]
    public async Task ChangePassword_WrongCurrentPassword_CurrentPasswordIncorrectAndNothingSent()
    {
        var (ticket, temporary) = await RecoverAndLogInAsync(DemoCustomer.Seed);
        var mark = Outbox.Count;

        var error = await RefusedAsync(() => Api.ChangePasswordAsync(ticket, DemoCustomer.Seed.InitialPassword, DemoCustomer.NewPassword));

        error.Is(StatusCode.InvalidArgument, "CURRENT_PASSWORD_INCORRECT");
        Assert.Equal(["current_password"], error.Fields);
        Assert.Empty(Outbox.Since(mark));
        await AssertLoginRefusedAsync(DemoCustomer.Seed, DemoCustomer.NewPassword);

        // The ticket survives one wrong current password.
        var (operation, _) = await OpenChangeAsync(ticket, temporary, DemoCustomer.NewPassword);
        Assert.Equal(OperationState.Pending, operation.State);
    }

    [Fact]
    public async Task ChangePassword_TicketIdleFiveMinutes_ChangeTicketInvalidAndNothingSent()
    {
        var (ticket, temporary) = await RecoverAndLogInAsync(DemoCustomer.Seed);
        Time.Advance(TimeSpan.FromMinutes(5));
        var mark = Outbox.Count;

        var change = await RefusedAsync(() => Api.ChangePasswordAsync(ticket, temporary, DemoCustomer.NewPassword));
        var evaluate = await RefusedAsync(() => Api.EvaluateAsync(DemoCustomer.NewPassword, ticket));

        change.Is(StatusCode.Unauthenticated, "CHANGE_TICKET_INVALID");
        evaluate.Is(StatusCode.Unauthenticated, "CHANGE_TICKET_INVALID");
        Assert.Empty(Outbox.Since(mark));
        await AssertChangeRequiredAsync(DemoCustomer.Seed, temporary);
    }

    [Fact]
    public async Task ChangePassword_TicketUsedWithinIdleLimit_StaysValid()
    {
        var (ticket, temporary) = await RecoverAndLogInAsync(DemoCustomer.Seed);
        for (var i = 0; i < 3; i++)
        {
            Time.Advance(TimeSpan.FromMinutes(4));
            await Api.EvaluateAsync(DemoCustomer.NewPassword, ticket);
        }

        Time.Advance(TimeSpan.FromMinutes(4));
        var (operation, _) = await OpenChangeAsync(ticket, temporary, DemoCustomer.NewPassword);

        Assert.Equal(OperationState.Pending, operation.State);
    }

    [Fact]
    public async Task ChangePassword_TicketOlderThanThirtyMinutes_ChangeTicketInvalidDespiteUse()
    {
        var (ticket, temporary) = await RecoverAndLogInAsync(DemoCustomer.Seed);
        for (var i = 0; i < 7; i++)
        {
            Time.Advance(TimeSpan.FromMinutes(4));
            await Api.EvaluateAsync(DemoCustomer.NewPassword, ticket);
        }

        Time.Advance(TimeSpan.FromMinutes(2));
        var mark = Outbox.Count;

        var error = await RefusedAsync(() => Api.ChangePasswordAsync(ticket, temporary, DemoCustomer.NewPassword));

        error.Is(StatusCode.Unauthenticated, "CHANGE_TICKET_INVALID");
        Assert.Empty(Outbox.Since(mark));
    }

    [Fact]
    public async Task ChangePassword_UnknownTicket_ChangeTicketInvalidAndNothingSent()
    {
        var (_, temporary) = await RecoverAndLogInAsync(DemoCustomer.Seed);
        var mark = Outbox.Count;

        var error = await RefusedAsync(() => Api.ChangePasswordAsync("AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA", temporary, DemoCustomer.NewPassword));

        error.Is(StatusCode.Unauthenticated, "CHANGE_TICKET_INVALID");
        Assert.Empty(Outbox.Since(mark));
    }
}
