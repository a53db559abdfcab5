using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using Recovery.AuthServer.Common;
using Recovery.AuthServer.Otp;
using Recovery.AuthServer.Storage.InMemory;
using Recovery.AuthServer.UnitTests.TestSupport;

namespace Recovery.AuthServer.UnitTests.Otp;

public class OtpEngineTests
{
    private const string Id = "challenge-1";
    private const string FirstCode = "123456";
    private const string SecondCode = "234567";
    private const string ThirdCode = "345678";
    private const string WrongCode = "999999";

    private static readonly byte[] BindingA = OtpEngine.Binding("recovery", "r-1");
    private static readonly byte[] BindingB = OtpEngine.Binding("recovery", "r-2");

    private readonly FakeTimeProvider time = TestClock.Create();
    private readonly InMemoryChallengeStore store;
    private readonly OtpEngine engine;
    private readonly CancellationToken ct = CancellationToken.None;

    public OtpEngineTests()
    {
        store = new InMemoryChallengeStore(time);
        var random = new ScriptedRandom(123456, 234567, 345678, 456789, 567890);
        engine = new OtpEngine(store, new OtpCodeGenerator(random), TestKeys.Create(), random, Options.Create(new OtpOptions()), time);
    }

    [Fact]
    public async Task IssueAsync_Deliverable_ReturnsCodeAndDeadlines()
    {
        var issued = await engine.IssueAsync(Id, BindingA, 6, deliverable: true, ct);

        Assert.Equal(FirstCode, issued.Code);
        Assert.Equal(TestClock.Start.AddMinutes(5), issued.ExpiresAt);
        Assert.Equal(TestClock.Start.AddSeconds(30), issued.ResendAvailableAt);
        Assert.Equal(3, issued.ResendsRemaining);
    }

    [Fact]
    public async Task IssueAsync_StoresOnlyAMacOfTheCode()
    {
        await engine.IssueAsync(Id, BindingA, 6, deliverable: true, ct);

        var stored = await store.GetAsync(Id, ct);
        Assert.NotNull(stored);
        Assert.Equal(32, stored.CodeMac.Length);
        Assert.DoesNotContain(FirstCode, Convert.ToHexString(stored.CodeMac), StringComparison.Ordinal);
        Assert.DoesNotContain(FirstCode, System.Text.Encoding.ASCII.GetString(stored.CodeMac), StringComparison.Ordinal);
        Assert.Equal(ChallengeState.Active, stored.State);
    }

    [Fact]
    public void IssuedCode_ToString_DoesNotContainTheCode()
    {
        var issued = new IssuedCode(FirstCode, TestClock.Start, TestClock.Start, 3);

        Assert.DoesNotContain(FirstCode, issued.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task VerifyAsync_RightCode_VerifiesOnceThenAlreadyUsed()
    {
        await engine.IssueAsync(Id, BindingA, 6, deliverable: true, ct);

        Assert.Equal(VerifyStatus.Verified, (await engine.VerifyAsync(Id, BindingA, FirstCode, ct)).Status);
        Assert.Equal(VerifyStatus.AlreadyUsed, (await engine.VerifyAsync(Id, BindingA, FirstCode, ct)).Status);
        Assert.Equal(ChallengeState.Used, (await store.GetAsync(Id, ct))!.State);
    }

    [Fact]
    public async Task VerifyAsync_WrongCode_DecrementsAttemptsRemaining()
    {
        await engine.IssueAsync(Id, BindingA, 6, deliverable: true, ct);

        var first = await engine.VerifyAsync(Id, BindingA, WrongCode, ct);
        var second = await engine.VerifyAsync(Id, BindingA, WrongCode, ct);

        Assert.Equal(new VerifyResult(VerifyStatus.Incorrect, 2, Counted: true), first);
        Assert.Equal(new VerifyResult(VerifyStatus.Incorrect, 1, Counted: true), second);
        var stored = (await store.GetAsync(Id, ct))!;
        Assert.Equal((2, 2), (stored.CodeFailures, stored.TotalFailures));
    }

    [Fact]
    public async Task VerifyAsync_RightCodeAfterTwoWrong_StillVerifies()
    {
        await engine.IssueAsync(Id, BindingA, 6, deliverable: true, ct);
        await engine.VerifyAsync(Id, BindingA, WrongCode, ct);
        await engine.VerifyAsync(Id, BindingA, WrongCode, ct);

        Assert.Equal(VerifyStatus.Verified, (await engine.VerifyAsync(Id, BindingA, FirstCode, ct)).Status);
    }

    [Fact]
    public async Task VerifyAsync_ThreeWrong_BurnsTheCodeEvenForTheRightOne()
    {
        await engine.IssueAsync(Id, BindingA, 6, deliverable: true, ct);
        await engine.VerifyAsync(Id, BindingA, WrongCode, ct);
        await engine.VerifyAsync(Id, BindingA, WrongCode, ct);

        var third = await engine.VerifyAsync(Id, BindingA, WrongCode, ct);
        var right = await engine.VerifyAsync(Id, BindingA, FirstCode, ct);

        Assert.Equal(VerifyStatus.Burned, third.Status);
        Assert.Equal(VerifyStatus.Burned, right.Status);
        var stored = (await store.GetAsync(Id, ct))!;
        Assert.Equal(ChallengeState.Burned, stored.State);
        Assert.Equal(3, stored.TotalFailures); // tries on a burned code are not counted again
    }

    [Fact]
    public async Task VerifyAsync_JustBeforeFiveMinutes_Verifies()
    {
        await engine.IssueAsync(Id, BindingA, 6, deliverable: true, ct);
        time.Advance(TimeSpan.FromMinutes(5) - TimeSpan.FromSeconds(1));

        Assert.Equal(VerifyStatus.Verified, (await engine.VerifyAsync(Id, BindingA, FirstCode, ct)).Status);
    }

    [Fact]
    public async Task VerifyAsync_AfterFiveMinutes_Expired()
    {
        await engine.IssueAsync(Id, BindingA, 6, deliverable: true, ct);
        time.Advance(TimeSpan.FromMinutes(5));

        Assert.Equal(VerifyStatus.Expired, (await engine.VerifyAsync(Id, BindingA, FirstCode, ct)).Status);
        Assert.Equal(ChallengeState.Active, (await store.GetAsync(Id, ct))!.State);
    }

    [Fact]
    public async Task VerifyAsync_WrongCodeAfterExpiry_IsNotCountedAsFailure()
    {
        await engine.IssueAsync(Id, BindingA, 6, deliverable: true, ct);
        time.Advance(TimeSpan.FromMinutes(6));

        Assert.Equal(VerifyStatus.Expired, (await engine.VerifyAsync(Id, BindingA, WrongCode, ct)).Status);
        Assert.Equal(0, (await store.GetAsync(Id, ct))!.TotalFailures);
    }

    [Fact]
    public async Task VerifyAsync_UnknownChallenge_NotFound()
    {
        Assert.Equal(VerifyStatus.NotFound, (await engine.VerifyAsync("nope", BindingA, FirstCode, ct)).Status);
    }

    [Fact]
    public async Task ReissueAsync_BeforeCooldown_TooSoonWithTheChallengesResendTime()
    {
        await engine.IssueAsync(Id, BindingA, 6, deliverable: true, ct);
        time.Advance(TimeSpan.FromSeconds(10));

        var (result, code) = await engine.ReissueAsync(Id, BindingA, 6, deliverable: true, ct);

        Assert.Equal(ReissueStatus.TooSoon, result.Status);
        Assert.Null(code);
        Assert.Equal(TestClock.Start.AddSeconds(30), result.Challenge!.ResendAvailableAt);
        Assert.Equal(TimeSpan.FromSeconds(20), CodeOutcomes.ForReissue(result, time.GetUtcNow(), ErrorReasons.RecoveryNotOpen).RetryAfter);

        // Nothing changed: the first code still verifies and no resend was counted.
        Assert.Equal(0, (await store.GetAsync(Id, ct))!.Resends);
        Assert.Equal(VerifyStatus.Verified, (await engine.VerifyAsync(Id, BindingA, FirstCode, ct)).Status);
    }

    [Fact]
    public async Task ReissueAsync_AfterCooldown_IssuesNewCodeAndRetiresTheOld()
    {
        await engine.IssueAsync(Id, BindingA, 6, deliverable: true, ct);
        time.Advance(TimeSpan.FromSeconds(30));

        var (result, code) = await engine.ReissueAsync(Id, BindingA, 6, deliverable: true, ct);

        Assert.Equal(ReissueStatus.Reissued, result.Status);
        Assert.NotNull(code);
        Assert.Equal(SecondCode, code.Code);
        Assert.Equal(2, code.ResendsRemaining);
        Assert.Equal(time.GetUtcNow().AddMinutes(5), code.ExpiresAt);
        Assert.Equal(time.GetUtcNow().AddSeconds(30), code.ResendAvailableAt);
        Assert.Equal(VerifyStatus.Incorrect, (await engine.VerifyAsync(Id, BindingA, FirstCode, ct)).Status);
        Assert.Equal(VerifyStatus.Verified, (await engine.VerifyAsync(Id, BindingA, SecondCode, ct)).Status);
    }

    [Fact]
    public async Task ReissueAsync_ThreeResendsThenAFourth_LimitReached()
    {
        await engine.IssueAsync(Id, BindingA, 6, deliverable: true, ct);
        var remaining = new List<int>();
        for (var i = 0; i < 3; i++)
        {
            time.Advance(TimeSpan.FromSeconds(30));
            var (result, code) = await engine.ReissueAsync(Id, BindingA, 6, deliverable: true, ct);
            Assert.Equal(ReissueStatus.Reissued, result.Status);
            remaining.Add(code!.ResendsRemaining);
        }

        time.Advance(TimeSpan.FromMinutes(1));
        var (fourth, fourthCode) = await engine.ReissueAsync(Id, BindingA, 6, deliverable: true, ct);

        Assert.Equal([2, 1, 0], remaining);
        Assert.Equal(ReissueStatus.LimitReached, fourth.Status);
        Assert.Null(fourthCode);
        Assert.Equal(3, (await store.GetAsync(Id, ct))!.Resends);
    }

    [Fact]
    public async Task ReissueAsync_AfterWrongTries_KeepsTotalFailuresAndResetsCodeFailures()
    {
        await engine.IssueAsync(Id, BindingA, 6, deliverable: true, ct);
        await engine.VerifyAsync(Id, BindingA, WrongCode, ct);
        await engine.VerifyAsync(Id, BindingA, WrongCode, ct);
        time.Advance(TimeSpan.FromSeconds(30));

        await engine.ReissueAsync(Id, BindingA, 6, deliverable: true, ct);

        var stored = (await store.GetAsync(Id, ct))!;
        Assert.Equal(2, stored.TotalFailures);
        Assert.Equal(0, stored.CodeFailures);
        Assert.Equal(new VerifyResult(VerifyStatus.Incorrect, 2, Counted: true), await engine.VerifyAsync(Id, BindingA, WrongCode, ct));
    }

    [Fact]
    public async Task ReissueAsync_AfterBurn_GivesAFreshCodeThatVerifies()
    {
        await engine.IssueAsync(Id, BindingA, 6, deliverable: true, ct);
        for (var i = 0; i < 3; i++)
        {
            await engine.VerifyAsync(Id, BindingA, WrongCode, ct);
        }

        time.Advance(TimeSpan.FromSeconds(30));
        var (result, code) = await engine.ReissueAsync(Id, BindingA, 6, deliverable: true, ct);

        Assert.Equal(ReissueStatus.Reissued, result.Status);
        Assert.Equal(VerifyStatus.Verified, (await engine.VerifyAsync(Id, BindingA, code!.Code, ct)).Status);
    }

    [Fact]
    public async Task VerifyAsync_FiveFailuresOverTwoCodes_ClosesOnceWithJustClosed()
    {
        await engine.IssueAsync(Id, BindingA, 6, deliverable: true, ct);
        for (var i = 0; i < 3; i++)
        {
            await engine.VerifyAsync(Id, BindingA, WrongCode, ct);
        }

        time.Advance(TimeSpan.FromSeconds(30));
        var (_, code) = await engine.ReissueAsync(Id, BindingA, 6, deliverable: true, ct);

        var fourth = await engine.VerifyAsync(Id, BindingA, WrongCode, ct);
        var fifth = await engine.VerifyAsync(Id, BindingA, WrongCode, ct);
        var sixth = await engine.VerifyAsync(Id, BindingA, WrongCode, ct);
        var right = await engine.VerifyAsync(Id, BindingA, code!.Code, ct);

        Assert.Equal(new VerifyResult(VerifyStatus.Incorrect, 1, Counted: true), fourth); // one failure left on the challenge, whatever the code has
        Assert.Equal(new VerifyResult(VerifyStatus.Closed, 0, JustClosed: true, Counted: true), fifth);
        Assert.Equal(new VerifyResult(VerifyStatus.Closed, 0, JustClosed: false), sixth);
        Assert.Equal(new VerifyResult(VerifyStatus.Closed, 0, JustClosed: false), right);
        Assert.Equal(ChallengeState.Closed, (await store.GetAsync(Id, ct))!.State);
    }

    [Fact]
    public async Task ReissueAsync_AfterClose_NotActive()
    {
        await engine.IssueAsync(Id, BindingA, 6, deliverable: true, ct);
        await engine.CloseAsync(Id, ct);
        time.Advance(TimeSpan.FromSeconds(30));

        var (result, code) = await engine.ReissueAsync(Id, BindingA, 6, deliverable: true, ct);

        Assert.Equal(ReissueStatus.NotActive, result.Status);
        Assert.Null(code);
    }

    [Fact]
    public async Task ReissueAsync_AfterUse_NotActive()
    {
        await engine.IssueAsync(Id, BindingA, 6, deliverable: true, ct);
        await engine.VerifyAsync(Id, BindingA, FirstCode, ct);
        time.Advance(TimeSpan.FromSeconds(30));

        Assert.Equal(ReissueStatus.NotActive, (await engine.ReissueAsync(Id, BindingA, 6, deliverable: true, ct)).Result.Status);
    }

    [Fact]
    public async Task ReissueAsync_UnknownChallenge_NotFound()
    {
        Assert.Equal(ReissueStatus.NotFound, (await engine.ReissueAsync("nope", BindingA, 6, deliverable: true, ct)).Result.Status);
    }

    [Fact]
    public async Task VerifyAsync_DecoyWithTheGeneratedCode_NeverVerifies()
    {
        var issued = await engine.IssueAsync(Id, BindingA, 6, deliverable: false, ct);

        var result = await engine.VerifyAsync(Id, BindingA, issued.Code, ct);

        Assert.Equal(FirstCode, issued.Code); // same shape as a real issue
        Assert.Equal(new VerifyResult(VerifyStatus.Incorrect, 2, Counted: true), result);
    }

    [Fact]
    public async Task VerifyAsync_DecoyAfterReissue_NeverVerifies()
    {
        await engine.IssueAsync(Id, BindingA, 6, deliverable: false, ct);
        time.Advance(TimeSpan.FromSeconds(30));
        var (_, code) = await engine.ReissueAsync(Id, BindingA, 6, deliverable: false, ct);

        Assert.Equal(VerifyStatus.Incorrect, (await engine.VerifyAsync(Id, BindingA, code!.Code, ct)).Status);
    }

    [Fact]
    public async Task VerifyAsync_EveryCodeOnADecoy_NeverVerifies()
    {
        // Even an attacker who tries many codes over resends never gets a Verified on a decoy.
        await engine.IssueAsync(Id, BindingA, 6, deliverable: false, ct);
        var statuses = new List<VerifyStatus>();
        foreach (var code in new[] { FirstCode, SecondCode, ThirdCode, "000000", "456789" })
        {
            statuses.Add((await engine.VerifyAsync(Id, BindingA, code, ct)).Status);
        }

        Assert.DoesNotContain(VerifyStatus.Verified, statuses);
    }

    [Fact]
    public async Task VerifyAsync_CodeIssuedForBindingA_DoesNotVerifyForBindingB()
    {
        await engine.IssueAsync(Id, BindingA, 6, deliverable: true, ct);

        var other = await engine.VerifyAsync(Id, BindingB, FirstCode, ct);
        var own = await engine.VerifyAsync(Id, BindingA, FirstCode, ct);

        Assert.Equal(new VerifyResult(VerifyStatus.Incorrect, 2, Counted: true), other);
        Assert.Equal(VerifyStatus.Verified, own.Status);
    }

    [Fact]
    public async Task VerifyAsync_SameCodeDifferentKey_DoesNotVerify()
    {
        await engine.IssueAsync(Id, BindingA, 6, deliverable: true, ct);
        var otherKeyEngine = new OtpEngine(store, new OtpCodeGenerator(new ScriptedRandom(0)), TestKeys.Create(codeKey: 42), new ScriptedRandom(0), Options.Create(new OtpOptions()), time);

        Assert.Equal(VerifyStatus.Incorrect, (await otherKeyEngine.VerifyAsync(Id, BindingA, FirstCode, ct)).Status);
    }

    [Fact]
    public void Binding_IsLengthPrefixed()
    {
        Assert.NotEqual(OtpEngine.Binding("ab", "c"), OtpEngine.Binding("a", "bc"));
        Assert.NotEqual(OtpEngine.Binding("abc"), OtpEngine.Binding("abc", string.Empty));
        Assert.Equal(OtpEngine.Binding("op", "1", "desc"), OtpEngine.Binding("op", "1", "desc"));
        Assert.Equal(32, OtpEngine.Binding("x").Length);
    }

    [Fact]
    public void Binding_KnownParts_TheDigestStoredCodesWereMacedWith()
    {
        // Codes in a store outlive a deploy: the digest must not change with how it is computed. SHA-256 of each part's
        // UTF-8 bytes behind its 32-bit big-endian length, written out here by hand.
        byte[] expected = System.Security.Cryptography.SHA256.HashData(
            [0, 0, 0, 8, .. "recovery"u8, 0, 0, 0, 3, .. "r-1"u8, 0, 0, 0, 0, 0, 0, 0, 4, .. "año"u8]);

        Assert.Equal(expected, OtpEngine.Binding("recovery", "r-1", string.Empty, "año"));
        Assert.Equal(System.Security.Cryptography.SHA256.HashData([0, 0, 2, 88, .. Enumerable.Repeat((byte)'x', 600)]), OtpEngine.Binding(new string('x', 600)));
    }

    [Fact]
    public async Task CloseAsync_Active_ReturnsTrueAndRightCodeIsClosed()
    {
        await engine.IssueAsync(Id, BindingA, 6, deliverable: true, ct);

        Assert.True(await engine.CloseAsync(Id, ct));
        Assert.Equal(VerifyStatus.Closed, (await engine.VerifyAsync(Id, BindingA, FirstCode, ct)).Status);
    }

    [Fact]
    public async Task CloseAsync_AfterCodeWasUsed_ReturnsFalseAndStaysUsed()
    {
        await engine.IssueAsync(Id, BindingA, 6, deliverable: true, ct);
        await engine.VerifyAsync(Id, BindingA, FirstCode, ct);

        Assert.False(await engine.CloseAsync(Id, ct));
        Assert.Equal(ChallengeState.Used, (await store.GetAsync(Id, ct))!.State);
    }

    [Fact]
    public async Task VerifyAsync_FiftyParallelRightCodes_ExactlyOneVerified()
    {
        await engine.IssueAsync(Id, BindingA, 6, deliverable: true, ct);

        var results = await Task.WhenAll(Enumerable.Range(0, 50)
            .Select(_ => Task.Run(() => engine.VerifyAsync(Id, BindingA, FirstCode, ct), ct)));

        Assert.Single(results, r => r.Status == VerifyStatus.Verified);
        Assert.Equal(49, results.Count(r => r.Status == VerifyStatus.AlreadyUsed));
    }

    [Fact]
    public async Task VerifyAsync_FiftyParallelWrongCodes_CloseExactlyOnce()
    {
        await engine.IssueAsync(Id, BindingA, 6, deliverable: true, ct);
        var options = new OtpOptions { MaxAttemptsPerCode = 10, MaxFailuresPerChallenge = 5 };
        var strict = new OtpEngine(store, new OtpCodeGenerator(new ScriptedRandom(0)), TestKeys.Create(), new ScriptedRandom(0), Options.Create(options), time);

        var results = await Task.WhenAll(Enumerable.Range(0, 50)
            .Select(_ => Task.Run(() => strict.VerifyAsync(Id, BindingA, WrongCode, ct), ct)));

        Assert.Single(results, r => r.JustClosed);
        Assert.Equal(4, results.Count(r => r.Status == VerifyStatus.Incorrect));
        Assert.Equal(46, results.Count(r => r.Status == VerifyStatus.Closed));
        Assert.Equal(5, (await store.GetAsync(Id, ct))!.TotalFailures);
    }
}
