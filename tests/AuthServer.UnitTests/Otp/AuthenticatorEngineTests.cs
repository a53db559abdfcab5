using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using OtpNet;
using Recovery.AuthServer.Otp;
using Recovery.AuthServer.Storage.InMemory;
using Recovery.AuthServer.UnitTests.TestSupport;

namespace Recovery.AuthServer.UnitTests.Otp;

public sealed class AuthenticatorEngineTests : IDisposable
{
    private const string Customer = "c-1";

    private readonly FakeTimeProvider time = TestClock.Create();
    private readonly InMemoryAuthenticatorStore store;
    private readonly AuthenticatorEngine engine;
    private readonly CancellationToken ct = CancellationToken.None;

    public AuthenticatorEngineTests()
    {
        // Seeded: secrets and clock are fixed, so every code here is the same on every run and no
        // test can meet a chance collision of codes (1 in 10^6) on one run but not another.
        var random = new SeededRandom(7);
        store = new InMemoryAuthenticatorStore(new InMemoryCustomerStore(), new InMemoryChallengeStore(time), new InMemoryWrongCodeLedger());
        engine = new AuthenticatorEngine(store, new AuthenticatorSecretProtector(TestKeys.Create(), random), random, Options.Create(new OtpOptions()), time);
    }

    [Fact]
    public async Task EnrollAsync_ReturnsTheStandardKeyUriAndStoresTheSecretOnlyEncrypted()
    {
        var enrollment = (await engine.EnrollAsync(Customer, "10000002", TimeSpan.Zero, ct)).Enrollment!;

        Assert.Matches("^[A-Z2-7]{32}$", enrollment.Secret);
        Assert.Equal(
            $"otpauth://totp/Banca%20a%20Distancia:10000002?secret={enrollment.Secret}&issuer=Banca%20a%20Distancia&algorithm=SHA1&digits=6&period=30",
            enrollment.OtpauthUri);
        Assert.Equal(TestClock.Start.AddMinutes(10), enrollment.ExpiresAt);
        var pending = await store.GetPendingAsync(Customer, time.GetUtcNow(), ct);
        Assert.NotNull(pending);
        Assert.DoesNotContain(Convert.ToHexString(Base32Encoding.ToBytes(enrollment.Secret)), Convert.ToHexString(pending.ProtectedSecret), StringComparison.Ordinal);
        Assert.Null(await store.GetConfirmedAsync(Customer, ct));
        Assert.DoesNotContain(enrollment.Secret, enrollment.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Confirm_WrongCode_IncorrectAndNothingConfirmed()
    {
        var enrollment = (await engine.EnrollAsync(Customer, "u", TimeSpan.Zero, ct)).Enrollment!;

        var result = await ConfirmAsync(Other(CodeNow(enrollment)));

        Assert.Equal(new VerifyResult(VerifyStatus.Incorrect, 4), result);
        Assert.Null(await store.GetConfirmedAsync(Customer, ct));
        Assert.Equal(TotpUse.NotEnrolled, await engine.UseAsync(Customer, CodeNow(enrollment), ct));
    }

    [Fact]
    public async Task Confirm_CurrentCode_ConfirmsAndThatCodeCannotSign()
    {
        var enrollment = (await engine.EnrollAsync(Customer, "u", TimeSpan.Zero, ct)).Enrollment!;
        var code = CodeNow(enrollment);

        var result = await ConfirmAsync(code);

        Assert.Equal(VerifyStatus.Verified, result.Status);
        Assert.True(await engine.HasConfirmedAsync(Customer, ct));
        Assert.Null(await store.GetPendingAsync(Customer, time.GetUtcNow(), ct));
        Assert.Equal(TotpUse.Replayed, await engine.UseAsync(Customer, code, ct));
    }

    [Fact]
    public async Task Confirm_FiveWrongCodes_DiscardsTheEnrollment()
    {
        var enrollment = (await engine.EnrollAsync(Customer, "u", TimeSpan.Zero, ct)).Enrollment!;
        var wrong = Other(CodeNow(enrollment));
        var results = new List<VerifyResult>();
        for (var i = 0; i < 5; i++)
        {
            results.Add(await ConfirmAsync(wrong));
        }

        Assert.Equal(new VerifyResult(VerifyStatus.Closed, 0, JustClosed: true), results[^1]);
        Assert.Equal(VerifyStatus.NotFound, (await ConfirmAsync(CodeNow(enrollment))).Status);
        Assert.Null(await store.GetConfirmedAsync(Customer, ct));
    }

    [Fact]
    public async Task Confirm_AfterTheEnrollmentLapsed_NotFound()
    {
        var enrollment = (await engine.EnrollAsync(Customer, "u", TimeSpan.Zero, ct)).Enrollment!;
        time.Advance(TimeSpan.FromMinutes(10));

        Assert.Equal(VerifyStatus.NotFound, (await ConfirmAsync(CodeNow(enrollment))).Status);
        Assert.Null(await store.GetConfirmedAsync(Customer, ct));
    }

    [Fact]
    public async Task Confirm_SecondEnrollment_OnlyItsOwnSecretConfirms()
    {
        var first = (await engine.EnrollAsync(Customer, "u", TimeSpan.Zero, ct)).Enrollment!;
        var second = (await engine.EnrollAsync(Customer, "u", TimeSpan.Zero, ct)).Enrollment!;
        Assert.NotEqual(first.Secret, second.Secret);

        var old = await ConfirmAsync(CodeNow(first));
        var current = await ConfirmAsync(CodeNow(second));

        Assert.Equal(VerifyStatus.Incorrect, old.Status);
        Assert.Equal(VerifyStatus.Verified, current.Status);
    }

    [Fact]
    public async Task UseAsync_NextStepsCodes_AcceptedOnceEachInOrder()
    {
        var enrollment = await ConfirmedAsync();
        time.Advance(TimeSpan.FromSeconds(30));
        var next = CodeNow(enrollment);

        Assert.Equal(TotpUse.Accepted, await engine.UseAsync(Customer, next, ct));
        Assert.Equal(TotpUse.Replayed, await engine.UseAsync(Customer, next, ct));
        time.Advance(TimeSpan.FromSeconds(30));
        Assert.Equal(TotpUse.Accepted, await engine.UseAsync(Customer, CodeNow(enrollment), ct));
    }

    [Fact]
    public async Task UseAsync_PreviousStepCodeAfterALaterOneWasUsed_Replayed()
    {
        var enrollment = await ConfirmedAsync();
        time.Advance(TimeSpan.FromSeconds(60));
        var earlier = CodeAt(enrollment, time.GetUtcNow().AddSeconds(-30));
        Assert.Equal(TotpUse.Accepted, await engine.UseAsync(Customer, CodeNow(enrollment), ct));

        // Within the window, but older than the step just used: accepting it would let an observer
        // of the earlier code sign after the customer.
        Assert.Equal(TotpUse.Replayed, await engine.UseAsync(Customer, earlier, ct));
    }

    [Fact]
    public async Task UseAsync_CodeTwoStepsOld_IncorrectWithTheDefaultWindow()
    {
        var enrollment = await ConfirmedAsync();
        var old = CodeNow(enrollment);
        time.Advance(TimeSpan.FromSeconds(90));

        Assert.DoesNotContain(old, Enumerable.Range(-1, 3).Select(o => CodeAt(enrollment, time.GetUtcNow().AddSeconds(30 * o))));
        Assert.Equal(TotpUse.Incorrect, await engine.UseAsync(Customer, old, ct));
    }

    [Fact]
    public async Task UseAsync_NoAuthenticator_NotEnrolled()
    {
        Assert.Equal(TotpUse.NotEnrolled, await engine.UseAsync(Customer, "123456", ct));
    }

    [Fact]
    public async Task UseAsync_FiftyParallelSameCode_ExactlyOneAccepted()
    {
        var enrollment = await ConfirmedAsync();
        time.Advance(TimeSpan.FromSeconds(30));
        var code = CodeNow(enrollment);

        var results = await Task.WhenAll(Enumerable.Range(0, 50).Select(_ => Task.Run(() => engine.UseAsync(Customer, code, ct), ct)));

        Assert.Single(results, r => r == TotpUse.Accepted);
        Assert.Equal(49, results.Count(r => r == TotpUse.Replayed));
    }

    private async Task<AuthenticatorEnrollment> ConfirmedAsync()
    {
        var enrollment = (await engine.EnrollAsync(Customer, "u", TimeSpan.Zero, ct)).Enrollment!;
        Assert.Equal(VerifyStatus.Verified, (await ConfirmAsync(CodeNow(enrollment))).Status);
        return enrollment;
    }

    // Otp.NET's own TOTP, independent of the engine's window code, plays the customer's app.
    // What the flow does: match the app code against the pending enrolment, then complete it (a second
    // factor is checked in between, in AuthenticatorFlow).
    private async Task<VerifyResult> ConfirmAsync(string code)
    {
        var pending = await engine.GetPendingAsync(Customer, ct);
        return pending is null
            ? new VerifyResult(VerifyStatus.NotFound)
            : await engine.CompleteAsync(pending, engine.MatchPending(pending, code), ct);
    }

    private string CodeNow(AuthenticatorEnrollment enrollment) => CodeAt(enrollment, time.GetUtcNow());

    private static string CodeAt(AuthenticatorEnrollment enrollment, DateTimeOffset at) =>
        new Totp(Base32Encoding.ToBytes(enrollment.Secret)).ComputeTotp(at.UtcDateTime);

    private static string Other(string code) => ((int.Parse(code, System.Globalization.CultureInfo.InvariantCulture) + 1) % 1_000_000).ToString("D6", System.Globalization.CultureInfo.InvariantCulture);

    public void Dispose() => store.Dispose();
}
