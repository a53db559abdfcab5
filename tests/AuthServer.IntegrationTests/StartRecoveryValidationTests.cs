using Grpc.Core;
using Recovery.AuthServer.IntegrationTests.Infrastructure;
using Recovery.V1;

namespace Recovery.AuthServer.IntegrationTests;

/// <summary>Scenario 6: malformed card data, documents and captchas are refused field by field, before anything happens.</summary>
public sealed class StartRecoveryValidationTests : IntegrationTest
{
    private const string Card = "4548812044110335";
    private const string Expiry = "12/29";
    private const string Document = "12345678Z";

    public static TheoryData<string, string, string, string, string> InvalidFields { get; } = new()
    {
        { "4548812044110336", Expiry, Document, "card_number", "CARD_NUMBER_LUHN" },
        { "4548 8120 4411 0335 1", Expiry, Document, "card_number", "CARD_NUMBER_LUHN" },
        { "454881204411", Expiry, Document, "card_number", "CARD_NUMBER_LENGTH" },
        { "45488120441103350000", Expiry, Document, "card_number", "CARD_NUMBER_LENGTH" },
        { "4548-8120-4411-033X", Expiry, Document, "card_number", "CARD_NUMBER_LENGTH" },
        { "6011111111111117", Expiry, Document, "card_number", "CARD_ISSUER" },
        { Card, "13/29", Document, "card_expiry", "CARD_EXPIRY_FORMAT" },
        { Card, "1229", Document, "card_expiry", "CARD_EXPIRY_FORMAT" },
        { Card, "10/26", Document, "card_expiry", "CARD_EXPIRED" },
        { Card, Expiry, "12345678A", "document_id", "DOCUMENT_INVALID" },
        { Card, Expiry, "X1234567A", "document_id", "DOCUMENT_INVALID" },
        { Card, Expiry, "ABC", "document_id", "DOCUMENT_INVALID" },
    };

    [Theory]
    [MemberData(nameof(InvalidFields))]
    public async Task StartRecovery_InvalidField_BadRequestNamesFieldAndNothingHappens(string card, string expiry, string document, string field, string reason)
    {
        var error = await RefusedAsync(() => Api.StartAsync(card, expiry, document));

        error.Is(StatusCode.InvalidArgument, "INVALID_FIELDS");
        Assert.Equal(reason, error.Violation(field).Reason);
        Assert.Single(error.FieldViolations);
        AssertNothingHappened();
    }

    [Fact]
    public async Task StartRecovery_SeveralInvalidFields_EveryFieldNamed()
    {
        var error = await RefusedAsync(() => Api.StartAsync("4548812044110336", "13/29", "12345678A"));

        error.Is(StatusCode.InvalidArgument, "INVALID_FIELDS");
        Assert.Equal(["card_number", "card_expiry", "document_id"], error.Fields);
        AssertNothingHappened();
    }

    [Fact]
    public async Task StartRecovery_CurrentMonthExpiry_Accepted()
    {
        // The fake clock is in November 2026: a card printed 11/26 is valid through the month's last day.
        var mark = Outbox.Count;

        await Api.StartAsync("4111111111111111", "11/26", Document);

        Assert.Empty(Outbox.Since(mark));
        Assert.Single(Audit.Of("recovery.start"), e => e.Outcome == "decoy");
    }

    [Theory]
    [InlineData("not-a-robot")]
    [InlineData("dev-ok ")]
    [InlineData("DEV-OK")]
    public async Task StartRecovery_RejectedCaptcha_CaptchaRejectedOnCaptchaToken(string captcha)
    {
        var error = await RefusedAsync(() => Api.StartAsync(DemoCustomer.Seed.Card, DemoCustomer.Seed.Expiry, DemoCustomer.Seed.Document, captcha));

        error.Is(StatusCode.InvalidArgument, "CAPTCHA_REJECTED");
        Assert.Equal(["captcha_token"], error.Fields);
        AssertNothingHappened();
    }

    [Fact]
    public async Task StartRecovery_MissingFields_RequiredViolationForEach()
    {
        var error = await RefusedAsync(() => Api.StartAsync(new StartRecoveryRequest()));

        error.Is(StatusCode.InvalidArgument, "INVALID_FIELDS");
        Assert.Equal(["card_number", "card_expiry", "document_id", "captcha_token"], error.Fields);
        Assert.All(error.FieldViolations, v => Assert.Equal("REQUIRED", v.Reason));
        AssertNothingHappened();
        Assert.Empty(Audit.Events);
    }

    [Fact]
    public async Task StartRecovery_WhitespaceFields_RequiredViolationForEach()
    {
        var error = await RefusedAsync(() => Api.StartAsync(" ", "\t", " ", " "));

        error.Is(StatusCode.InvalidArgument, "INVALID_FIELDS");
        Assert.Equal(4, error.FieldViolations.Count(v => v.Reason == "REQUIRED"));
        AssertNothingHappened();
    }

    [Fact]
    public async Task StartRecovery_UnsupportedLanguage_LanguageCodeViolation()
    {
        var error = await RefusedAsync(() => Api.StartAsync(Card, Expiry, Document, language: "fr-FR"));

        error.Is(StatusCode.InvalidArgument, "INVALID_FIELDS");
        Assert.Equal("UNSUPPORTED_LANGUAGE", error.Violation("language_code").Reason);
        AssertNothingHappened();
    }

    [Fact]
    public async Task StartRecovery_FormattedCardAndLowerCaseDocument_Accepted()
    {
        var (_, code) = await StartAsyncWith("4548 8120-4411 0335", "12/29", "12345678z");

        Assert.Matches("^[0-9]{6}$", code);
    }

    private async Task<(StartRecoveryResponse Started, string Code)> StartAsyncWith(string card, string expiry, string document)
    {
        var mark = Outbox.Count;
        var started = await Api.StartAsync(card, expiry, document);
        var sms = Outbox.Single(mark, "recovery-code");
        Assert.Equal(DemoCustomer.Seed.Phone, sms.To);
        return (started, sms.Values[CodeKey]);
    }

    private void AssertNothingHappened()
    {
        Assert.Empty(Outbox.All);
        Assert.DoesNotContain(Audit.Of("recovery.start"), e => e.Outcome is "code_sent" or "decoy");
    }
}
