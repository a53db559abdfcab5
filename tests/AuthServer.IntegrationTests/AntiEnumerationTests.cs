using Google.Protobuf;
using Grpc.Core;
using Recovery.AuthServer.IntegrationTests.Infrastructure;
using Recovery.AuthServer.Notifications;

namespace Recovery.AuthServer.IntegrationTests;

/// <summary>
/// Scenario 5: an unknown card, or a known card with the wrong expiry or document, gets exactly the
/// answer a known card gets; only the customer's phone can tell the difference.
/// </summary>
public sealed class AntiEnumerationTests : IntegrationTest
{
    public static TheoryData<string, string, string> UnmatchedCardData { get; } = new()
    {
        { "4000000000000002", "12/29", "12345678Z" },          // unknown Visa (Luhn-valid)
        { "4111111111111111", "12/29", "12345678Z" },          // unknown Visa (Luhn-valid)
        { "5555555555554444", "08/28", "X1234567L" },          // unknown Mastercard
        { DemoCustomer.Seed.Card, "11/29", "12345678Z" },      // seed card, wrong expiry
        { DemoCustomer.Seed.Card, "12/29", "00000000T" },      // seed card, someone else's valid DNI
        { DemoCustomer.Seed.Card, "12/29", DemoCustomer.Maria.Document }, // seed card, another customer's document
    };

    [Theory]
    [MemberData(nameof(UnmatchedCardData))]
    public async Task StartRecovery_UnmatchedCardData_SameShapeAsKnownCardAndNothingSent(string card, string expiry, string document)
    {
        var (known, _) = await StartAsync(DemoCustomer.Seed);
        var mark = Outbox.Count;

        var decoy = await Api.StartAsync(card, expiry, document);

        Assert.Empty(Outbox.Since(mark));
        Assert.Equal(known.RecoveryId.Length, decoy.RecoveryId.Length);
        Assert.NotEqual(known.RecoveryId, decoy.RecoveryId);
        Assert.Equal(known.CodeExpireTime, decoy.CodeExpireTime);
        Assert.Equal(known.ResendAvailableTime, decoy.ResendAvailableTime);
        Assert.Equal(known.ResendsRemaining, decoy.ResendsRemaining);
        Assert.Equal(known.CalculateSize(), decoy.CalculateSize());
        Assert.Equal(Fields(known), Fields(decoy));
    }

    [Theory]
    [InlineData("4000000000000002", "12/29", "12345678Z", false)]   // unknown card: decoys
    [InlineData("4548812044110335", "12/29", "12345678Z", true)]    // the seed customer: real
    public async Task ConfirmRecovery_SecondOpenRecoveryAfterFiveWrongCodes_BlockedAlikeForDecoyAndReal(string card, string expiry, string document, bool real)
    {
        // After five wrong codes on one recovery, a second recovery opened earlier with the same card
        // must answer RECOVERY_BLOCKED whether the card is known or not; otherwise the difference
        // would tell an attacker which cards exist.
        // A code that is certainly wrong: for a real recovery, anything but the code just sent.
        string WrongSince(int since) =>
            Outbox.Since(since).LastOrDefault(n => n.Template == NotificationTemplates.RecoveryCode) is { } sms ? Other(sms.Values[CodeKey]) : "000000";

        var mark = Outbox.Count;
        var first = await Api.StartAsync(card, expiry, document);
        var wrong = WrongSince(mark);
        mark = Outbox.Count;
        var second = await Api.StartAsync(card, expiry, document);
        var wrongForSecond = WrongSince(mark);
        for (var i = 0; i < 3; i++)
        {
            await RefusedAsync(() => Api.ConfirmAsync(first.RecoveryId, wrong));
        }

        Time.Advance(TimeSpan.FromSeconds(30));
        mark = Outbox.Count;
        await Api.ResendAsync(first.RecoveryId);
        wrong = WrongSince(mark);
        await RefusedAsync(() => Api.ConfirmAsync(first.RecoveryId, wrong));
        (await RefusedAsync(() => Api.ConfirmAsync(first.RecoveryId, wrong))).Is(StatusCode.FailedPrecondition, "RECOVERY_BLOCKED");
        mark = Outbox.Count;

        (await RefusedAsync(() => Api.ConfirmAsync(second.RecoveryId, wrongForSecond))).Is(StatusCode.FailedPrecondition, "RECOVERY_BLOCKED");
        (await RefusedAsync(() => Api.ResendAsync(second.RecoveryId))).Is(StatusCode.FailedPrecondition, "RECOVERY_BLOCKED");
        var third = await Api.StartAsync(card, expiry, document);

        Assert.Equal(second.RecoveryId.Length, third.RecoveryId.Length);
        Assert.Empty(Outbox.Since(mark));
        Assert.Equal(real, Audit.Events.Any(e => e.Action == "recovery.blocked" && e.CustomerId is not null));
    }

    [Theory]
    [MemberData(nameof(UnmatchedCardData))]
    public async Task ConfirmRecovery_DecoyWithAnyCode_CodeIncorrectLikeRealRecovery(string card, string expiry, string document)
    {
        var (known, code) = await StartAsync(DemoCustomer.Seed);
        var decoy = await Api.StartAsync(card, expiry, document);
        var mark = Outbox.Count;

        var real = await RefusedAsync(() => Api.ConfirmAsync(known.RecoveryId, Other(code)));
        var fake = await RefusedAsync(() => Api.ConfirmAsync(decoy.RecoveryId, code));

        fake.Is(StatusCode.InvalidArgument, "CODE_INCORRECT");
        Assert.Equal((real.StatusCode, real.Reason, real.RetryDelay), (fake.StatusCode, fake.Reason, fake.RetryDelay));
        Assert.Equal(real.Metadata, fake.Metadata);
        Assert.Equal(real.FieldViolations, fake.FieldViolations);
        Assert.Empty(Outbox.Since(mark));
    }

    [Fact]
    public async Task ResendRecoveryCode_Decoy_AnswersLikeRealAndSendsNothing()
    {
        var (known, _) = await StartAsync(DemoCustomer.Seed);
        var decoy = await Api.StartAsync("4111111111111111", "12/29", "12345678Z");
        Time.Advance(TimeSpan.FromSeconds(30));
        var mark = Outbox.Count;

        var decoyResent = await Api.ResendAsync(decoy.RecoveryId);
        Assert.Empty(Outbox.Since(mark));
        var knownResent = await Api.ResendAsync(known.RecoveryId);

        Assert.Single(Outbox.Since(mark));
        Assert.Equal(knownResent, decoyResent);
    }

    private static string[] Fields(IMessage message) =>
        message.Descriptor.Fields.InFieldNumberOrder()
            .Where(f => !Equals(f.Accessor.GetValue(message), f.Accessor.GetValue((IMessage)Activator.CreateInstance(message.GetType())!)))
            .Select(f => f.Name)
            .ToArray();
}
