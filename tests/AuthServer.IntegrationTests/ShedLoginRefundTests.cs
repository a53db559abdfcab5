using Grpc.Core;
using Microsoft.Extensions.DependencyInjection;
using Recovery.AuthServer.IntegrationTests.Infrastructure;
using Recovery.AuthServer.Passwords;
using Recovery.V1;

namespace Recovery.AuthServer.IntegrationTests;

/// <summary>
/// Issue 12: a login shed by the Argon2 gate gives back the rate-limit units it took, so a customer who retries as
/// RetryInfo advises more times than the per-user-code limit (10 an hour, the shipped one) still logs in once there is
/// room. The gate is held full of fresh work by <see cref="HeldGate"/> (one slot, a measured hash time
/// of a second on the fake clock): a login passes the early paid-level check, takes its limits and its try, and is
/// refused at its verify. Run once per storage provider by the sealed subclasses. Nothing depends on timings.
/// </summary>
public abstract class ShedLoginRefundTests : IntegrationTest
{
    // More shed calls than the per-user-code limit allows in the hour.
    private const int Shed = 12;
    private const string UnknownUserCode = "99999999";

    private protected ShedLoginRefundTests(ServerOptions options)
        : base(options with
        {
            DefaultRateLimits = true,
            Settings = new Dictionary<string, string> { ["Passwords:Argon2:MaxConcurrency"] = "1" },
        })
    {
    }

    private Argon2Gate Gate => Factory.Services.GetRequiredService<Argon2Gate>();

    [Fact]
    public async Task Login_ShedMoreTimesThanTheUserCodeLimit_ThenAdmitted_LogsIn()
    {
        var maria = DemoCustomer.Maria;
        var before = await CredentialsAsync(maria);
        var held = await HeldGate.HoldAsync(Gate, Time);
        try
        {
            for (var i = 0; i < Shed; i++)
            {
                // Every call is answered by the gate, never RATE_LIMITED: the earlier shed calls took no unit.
                (await RefusedAsync(() => Api.LoginAsync(maria.UserCode, maria.InitialPassword))).Is(StatusCode.ResourceExhausted, "HASHING_SATURATED");
            }
        }
        finally
        {
            await held.ReleaseAsync();
        }

        Assert.Equal(before.FailedLogins, (await CredentialsAsync(maria)).FailedLogins);
        Assert.Equal(LoginResponse.ResultOneofCase.Session, (await Api.LoginAsync(maria.UserCode, maria.InitialPassword)).ResultCase);
    }

    [Fact]
    public async Task Login_UnknownUserCodeShedMoreTimesThanTheLimit_ThenAnsweredAsAnyWrongLogin()
    {
        var held = await HeldGate.HoldAsync(Gate, Time);
        try
        {
            for (var i = 0; i < Shed; i++)
            {
                (await RefusedAsync(() => Api.LoginAsync(UnknownUserCode, "Wrong#Password1"))).Is(StatusCode.ResourceExhausted, "HASHING_SATURATED");
            }
        }
        finally
        {
            await held.ReleaseAsync();
        }

        (await RefusedAsync(() => Api.LoginAsync(UnknownUserCode, "Wrong#Password1"))).Is(StatusCode.Unauthenticated, "INVALID_CREDENTIALS");
    }

    [Fact]
    public async Task Login_EvaluatedWrongPasswords_StillTakeTheLimit()
    {
        // The refund is no way around the limit: calls whose password was evaluated keep their units. Ten wrong guesses
        // on one user code use the hour's ten (an unknown code answers as a real one, blocked after five); the
        // eleventh is refused by the limit.
        for (var i = 0; i < 10; i++)
        {
            var error = await RefusedAsync(() => Api.LoginAsync(UnknownUserCode, "Wrong#Password1"));
            Assert.NotEqual("RATE_LIMITED", error.Reason);
        }

        var mark = Outbox.Count;
        (await RefusedAsync(() => Api.LoginAsync(UnknownUserCode, "Wrong#Password1"))).Is(StatusCode.ResourceExhausted, "RATE_LIMITED");
        Assert.Empty(Outbox.Since(mark));
    }

    [Fact]
    public async Task Login_WrongTemporaryPasswordsWhileShed_EachCountedThenTheRightOneBlocked()
    {
        // A wrong temporary password is compared by HMAC before its cover verify, which the gate may shed; the right
        // one needs no hash and is never shed. Were a shed wrong guess uncounted, a saturated gate would allow
        // unlimited guesses past the five-try block. Each counts, so the right one comes too late.
        var maria = DemoCustomer.Maria;
        var temporary = await RecoverAsync(maria);
        var before = await CredentialsAsync(maria);
        var held = await HeldGate.HoldAsync(Gate, Time);
        try
        {
            for (var i = 0; i < 5; i++)
            {
                (await RefusedAsync(() => Api.LoginAsync(maria.UserCode, "Wrong#Temporary" + i))).Is(StatusCode.ResourceExhausted, "HASHING_SATURATED");
            }
        }
        finally
        {
            await held.ReleaseAsync();
        }

        var after = await CredentialsAsync(maria);
        Assert.Equal((before.FailedLogins + 5, global::Recovery.AuthServer.Customers.CredentialState.Blocked), (after.FailedLogins, after.State));
        (await RefusedAsync(() => Api.LoginAsync(maria.UserCode, temporary))).Is(StatusCode.PermissionDenied, "CREDENTIALS_BLOCKED");
    }
}
