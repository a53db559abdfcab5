using Google.Protobuf;
using Grpc.Core;
using Grpc.Net.Client;
using Microsoft.Extensions.DependencyInjection;
using Recovery.AuthServer.Customers;
using Recovery.AuthServer.IntegrationTests.Infrastructure;
using Recovery.AuthServer.Notifications;
using Recovery.AuthServer.Passwords;
using Recovery.AuthServer.Sessions;
using Recovery.V1;

namespace Recovery.AuthServer.IntegrationTests;

/// <summary>
/// Issue 9 items 1–4: Login attacked from outside through the public RPC, as a stranger would, on each store
/// provider (the Redis run spreads every attack over two nodes sharing one Redis). What must hold: an unknown
/// user code answers like a real one; parallel guesses evaluate at most 5 wrong passwords and open no session
/// once blocked; a blocked account answers the same to the right and a wrong password; every failed Login
/// costs exactly one Argon2 hash; one client address cannot block customers by the thousand; and (item 6)
/// parallel authenticator enrolments from a session send one SMS.
/// </summary>
public abstract class LoginAttackTests : IAsyncLifetime
{
    private const string WrongPassword = "Girasol%Norte59";
    private const string UnknownUserCode = "99999999";

    private static readonly TimeSpan BurstDeadline = TimeSpan.FromMinutes(1);

    private static readonly string[] Possible = ["OK", "INVALID_CREDENTIALS", "CREDENTIALS_BLOCKED"];

    private readonly List<Node> nodes = [];

    private protected abstract int NodeCount { get; }

    public virtual Task InitializeAsync() => Task.CompletedTask;

    public virtual async Task DisposeAsync()
    {
        foreach (var node in nodes)
        {
            node.Api.Dispose();
            await node.Factory.DisposeAsync().AsTask().WaitAsync(RecoveryApi.Timeout);
        }
    }

    [Fact]
    public async Task Login_UnknownUserCode_SameSequenceOfAnswersAsARealOne()
    {
        var cluster = Start();

        var real = await SequenceAsync(cluster, DemoCustomer.Maria.UserCode);
        var unknown = await SequenceAsync(cluster, UnknownUserCode);

        Assert.Equal(real, unknown);
        Assert.Equal(
            [.. Enumerable.Repeat("Unauthenticated INVALID_CREDENTIALS", 4), .. Enumerable.Repeat("PermissionDenied CREDENTIALS_BLOCKED", 4)],
            real.Select(r => r.Split('|')[0]));
    }

    [Fact]
    public async Task Login_SixtyWrongAndThreeRightInParallel_AtMostFiveWrongEvaluatedAndNoSessionOnceBlocked()
    {
        var cluster = Start();
        var maria = DemoCustomer.Maria;
        var storedHash = (await CredentialsAsync(cluster[0], maria.Id)).PasswordHash;
        var passwords = Enumerable.Repeat(WrongPassword, 60).Concat(Enumerable.Repeat(maria.InitialPassword, 3)).ToList();
        var random = new Random(9);
        passwords = [.. passwords.OrderBy(_ => random.Next())];

        // Every one of the 63 calls costs a hash on a two-core machine that runs other test classes beside this
        // one: a deadline of a minute keeps the answers about the attack, not about the machine's load.
        var deadline = DateTime.UtcNow + BurstDeadline;
        var answers = await Task.WhenAll(passwords.Select((p, i) => AnswerAsync(() => cluster[i % cluster.Count].Api.Access
            .LoginAsync(new LoginRequest { UserCode = maria.UserCode, Password = p }, new CallOptions(deadline: deadline)).ResponseAsync.WaitAsync(BurstDeadline * 2))));

        var wrongEvaluated = cluster.Sum(n => n.Factory.Hasher.Verifies.Count(v => v.StoredHash == storedHash && v.Password == WrongPassword));
        Assert.InRange(wrongEvaluated, 1, 5);
        Assert.All(answers, a => Assert.Contains(a, Possible));
        Assert.InRange(answers.Count(a => a == "INVALID_CREDENTIALS"), 0, 4);
        Assert.InRange(answers.Count(a => a == "OK"), 0, 3);

        // No session after the block, in the order the nodes recorded their steps.
        var logins = cluster.SelectMany(n => n.Factory.Audit.Numbered).Where(e => e.Event.Action == "access.login").OrderBy(e => e.Sequence).Select(e => e.Event.Outcome).ToList();
        var blockedAt = logins.IndexOf("blocked_now");
        if (blockedAt >= 0)
        {
            Assert.DoesNotContain("session", logins.Skip(blockedAt));
        }

        // The answers agree with what is stored: blocked means the right password is refused too, on every node.
        var credentials = await CredentialsAsync(cluster[0], maria.Id);
        Assert.Equal(wrongEvaluated, logins.Count(o => o is "wrong_password" or "blocked_now"));
        foreach (var node in cluster)
        {
            var after = await AnswerAsync(() => node.Api.LoginAsync(maria.UserCode, maria.InitialPassword));
            Assert.Equal(credentials.State == global::Recovery.AuthServer.Customers.CredentialState.Blocked ? "CREDENTIALS_BLOCKED" : "OK", after);
        }
    }

    [Fact]
    public async Task Login_BlockedCredentials_SameAnswerForRightAndWrongPasswordAfterOneHashEach()
    {
        var cluster = Start();
        var seed = DemoCustomer.Seed; // blocked from the start
        var before = await CredentialsAsync(cluster[0], seed.Id);

        var (right, rightHashes) = await MeasuredAsync(cluster, () => cluster[0].Api.LoginAsync(seed.UserCode, seed.InitialPassword));
        var (wrong, wrongHashes) = await MeasuredAsync(cluster, () => cluster[^1].Api.LoginAsync(seed.UserCode, "Antigua#Clave43"));

        Assert.Equal(right, wrong);
        Assert.StartsWith("PermissionDenied CREDENTIALS_BLOCKED", right, StringComparison.Ordinal);
        Assert.Equal((1, 1), (rightHashes, wrongHashes));
        var after = await CredentialsAsync(cluster[0], seed.Id);
        Assert.Equal((before.State, before.FailedLogins, before.Version), (after.State, after.FailedLogins, after.Version));
    }

    [Fact]
    public async Task Login_EveryKindOfFailure_CostsExactlyOneHash()
    {
        var cluster = Start();
        var store = cluster[0].Factory.Services.GetRequiredService<ICustomerStore>();
        var noPassword = await AddCustomerAsync(store, 1, passwordHash: null);
        var retiredPepper = await AddCustomerAsync(store, 2, passwordHash: new PhcString(19_456, 2, 1, "retired", new byte[16], new byte[32]).ToString());
        var damaged = await AddCustomerAsync(store, 3, passwordHash: "$argon2id$v=19$garbage");

        (string Name, Func<Task> Call)[] failures =
        [
            ("unknown user code", () => cluster[0].Api.LoginAsync(UnknownUserCode, WrongPassword)),
            ("wrong password", () => cluster[^1].Api.LoginAsync(DemoCustomer.Maria.UserCode, WrongPassword)),
            ("no password", () => cluster[0].Api.LoginAsync(noPassword, WrongPassword)),
            ("retired pepper", () => cluster[^1].Api.LoginAsync(retiredPepper, WrongPassword)),
            ("damaged hash", () => cluster[0].Api.LoginAsync(damaged, WrongPassword)),
            ("blocked", () => cluster[^1].Api.LoginAsync(DemoCustomer.Seed.UserCode, WrongPassword)),
        ];

        var costs = new List<string>();
        foreach (var (name, call) in failures)
        {
            var (answer, hashes) = await MeasuredAsync(cluster, call);
            Assert.NotEqual("OK", answer);
            costs.Add($"{name}: {hashes}");
        }

        Assert.Equal(failures.Select(f => $"{f.Name}: 1"), costs);
    }

    [Fact]
    public async Task Login_WrongGuessWhileATemporaryPasswordIsPending_CostsExactlyOneHash()
    {
        var cluster = Start();
        var seed = DemoCustomer.Seed;
        var (_, temporary) = await RecoverAsync(cluster, seed);

        // The temporary password is checked by HMAC; a wrong guess must not be answered faster than one
        // against a normal password, or the timing would tell that a recovery is pending.
        var (wrong, wrongHashes) = await MeasuredAsync(cluster, () => cluster[^1].Api.LoginAsync(seed.UserCode, WrongPassword));
        var (old, oldHashes) = await MeasuredAsync(cluster, () => cluster[0].Api.LoginAsync(seed.UserCode, seed.InitialPassword));
        var (right, rightHashes) = await CostAsync(cluster, () => cluster[^1].Api.LoginAsync(seed.UserCode, temporary));

        Assert.StartsWith("Unauthenticated INVALID_CREDENTIALS", wrong, StringComparison.Ordinal);
        Assert.StartsWith("Unauthenticated INVALID_CREDENTIALS", old, StringComparison.Ordinal);
        Assert.Equal((1, 1), (wrongHashes, oldHashes));
        Assert.Equal(LoginResponse.ResultOneofCase.PasswordChangeRequired, right.ResultCase);
        Assert.Equal(0, rightHashes);
    }

    [Fact]
    public async Task FullFlow_ArgonCallsPerStep_AsDocumentedAndNoneForTypingRefusals()
    {
        // docs/security.md "Argon2id calls in one recovery flow", for the seed customer (one earlier password).
        var cluster = Start();
        var seed = DemoCustomer.Seed;
        var costs = new List<string>();

        var mark = cluster[0].Factory.Outbox.Count;
        var (started, cost) = await CostAsync(cluster, () => cluster[0].Api.StartAsync(seed));
        costs.Add($"StartRecovery: {cost}");
        var code = cluster[0].Factory.Outbox.Single(mark, NotificationTemplates.RecoveryCode).Values["code"];

        mark = cluster[^1].Factory.Outbox.Count;
        (_, cost) = await CostAsync(cluster, () => cluster[^1].Api.ConfirmAsync(started.RecoveryId, code));
        costs.Add($"ConfirmRecovery: {cost}");
        var temporary = cluster[^1].Factory.Outbox.Single(mark, NotificationTemplates.RecoveryTemporaryPassword).Values["temporary_password"];

        var (login, loginCost) = await CostAsync(cluster, () => cluster[0].Api.LoginAsync(seed.UserCode, temporary));
        costs.Add($"Login temporary: {loginCost}");
        var ticket = login.PasswordChangeRequired.ChangeTicket;

        (_, cost) = await CostAsync(cluster, () => cluster[^1].Api.EvaluateAsync(DemoCustomer.NewPassword, ticket));
        costs.Add($"EvaluatePassword: {cost}");

        // Refusals the customer triggers by typing: the repeat field differs, a required rule is broken.
        var (mismatch, mismatchCost) = await MeasuredAsync(cluster, () => cluster[0].Api.ChangePasswordAsync(ticket, temporary, DemoCustomer.NewPassword, DemoCustomer.OtherNewPassword));
        costs.Add($"ChangePassword repeat differs: {mismatchCost}");
        var (tooShort, tooShortCost) = await MeasuredAsync(cluster, () => cluster[^1].Api.ChangePasswordAsync(ticket, temporary, "Ab1!x"));
        costs.Add($"ChangePassword too short: {tooShortCost}");
        var (weak, weakCost) = await MeasuredAsync(cluster, () => cluster[0].Api.ChangePasswordAsync(ticket, temporary, "aaaaaaaa"));
        costs.Add($"ChangePassword weak: {weakCost}");

        mark = cluster[^1].Factory.Outbox.Count;
        var (change, changeCost) = await CostAsync(cluster, () => cluster[^1].Api.ChangePasswordAsync(ticket, temporary, DemoCustomer.NewPassword));
        costs.Add($"ChangePassword: {changeCost}");
        var signingCode = cluster[^1].Factory.Outbox.Single(mark, NotificationTemplates.OperationCode).Values["code"];

        (_, cost) = await CostAsync(cluster, () => cluster[0].Api.SignAsync(change.Operation.OperationId, signingCode));
        costs.Add($"SignOperation: {cost}");

        var (session, sessionCost) = await CostAsync(cluster, () => cluster[^1].Api.LoginAsync(seed.UserCode, DemoCustomer.NewPassword));
        costs.Add($"Login new password: {sessionCost}");

        Assert.StartsWith("InvalidArgument", mismatch, StringComparison.Ordinal);
        Assert.StartsWith("InvalidArgument", tooShort, StringComparison.Ordinal);
        Assert.StartsWith("InvalidArgument", weak, StringComparison.Ordinal);
        Assert.Equal(LoginResponse.ResultOneofCase.Session, session.ResultCase);
        Assert.Equal(
            [
                "StartRecovery: 0", "ConfirmRecovery: 0", "Login temporary: 0", "EvaluatePassword: 0",
                "ChangePassword repeat differs: 0", "ChangePassword too short: 0", "ChangePassword weak: 0",
                "ChangePassword: 1", "SignOperation: 0", "Login new password: 1",
            ],
            costs);
    }

    [Fact]
    public async Task Login_OneClientAddressAgainstManyUserCodes_RateLimitedLongBeforeBlockingMany()
    {
        var cluster = Start(defaultRateLimits: true);
        var headers = new Metadata { { "x-client-address", "203.0.113.7" } };
        var answers = new List<string>();

        // Five wrong passwords for each of 40 user codes (real or not), spread over the nodes, from one address.
        for (var i = 0; i < 200; i++)
        {
            var node = cluster[i % cluster.Count];
            var userCode = i / 5 == 0 ? DemoCustomer.Maria.UserCode : $"7{i / 5:D7}";
            answers.Add(await AnswerAsync(() => RecoveryApi.CallAsync(node.Api.Access.LoginAsync(
                new LoginRequest { UserCode = userCode, Password = WrongPassword }, new CallOptions(headers, DateTime.UtcNow + RecoveryApi.Deadline)))));
        }

        // The default per-address limit (60 an hour) stops it after 60 tries: 12 user codes blocked at most.
        Assert.Equal(60, answers.Count(a => a != "RATE_LIMITED"));
        Assert.Equal(12, answers.Count(a => a == "CREDENTIALS_BLOCKED"));
        var limited = await RpcError.FromAsync(() => RecoveryApi.CallAsync(cluster[0].Api.Access.LoginAsync(
            new LoginRequest { UserCode = DemoCustomer.John.UserCode, Password = WrongPassword }, new CallOptions(headers, DateTime.UtcNow + RecoveryApi.Deadline))));
        limited.Is(StatusCode.ResourceExhausted, "RATE_LIMITED");
        Assert.Equal("addr", limited.Metadata["limit"]);
        Assert.NotNull(limited.RetryDelay);

        // A refused try counted nothing: John was never tried, and his password still works from elsewhere.
        Assert.Equal(0, (await CredentialsAsync(cluster[0], DemoCustomer.John.Id)).FailedLogins);
        Assert.Equal(LoginResponse.ResultOneofCase.Session, (await cluster[0].Api.LoginAsync(DemoCustomer.John.UserCode, DemoCustomer.John.InitialPassword)).ResultCase);
    }

    [Fact]
    public async Task Login_OneUserCodeFromManyAddresses_RateLimitedPerUserCode()
    {
        var cluster = Start(defaultRateLimits: true);
        var answers = new List<string>();
        for (var i = 0; i < 12; i++)
        {
            var headers = new Metadata { { "x-client-address", $"198.51.100.{i}" } };
            answers.Add(await AnswerAsync(() => RecoveryApi.CallAsync(cluster[i % cluster.Count].Api.Access.LoginAsync(
                new LoginRequest { UserCode = UnknownUserCode, Password = WrongPassword }, new CallOptions(headers, DateTime.UtcNow + RecoveryApi.Deadline)))));
        }

        // 10 an hour per user code (keyed hash), known or not.
        Assert.Equal([.. Enumerable.Repeat("INVALID_CREDENTIALS", 4), .. Enumerable.Repeat("CREDENTIALS_BLOCKED", 6), "RATE_LIMITED", "RATE_LIMITED"], answers);
    }

    [Fact]
    public async Task EnrollAuthenticator_TenInParallelFromOneSession_OneSmsAndTheRestResendTooSoon()
    {
        // Issue 9 item 6: the cooldown was read and saved in two steps, so parallel enrolments all passed
        // and each sent an SMS (and opened a fresh enrolment code to guess).
        var cluster = Start();
        var session = (await cluster[0].Api.LoginAsync(DemoCustomer.Maria.UserCode, DemoCustomer.Maria.InitialPassword)).Session.Token;

        var answers = await Task.WhenAll(Enumerable.Range(0, 10).Select(i => AnswerAsync(() => cluster[i % cluster.Count].Api.EnrollAuthenticatorAsync(session))));

        Assert.Equal(1, answers.Count(a => a == "OK"));
        Assert.Equal(9, answers.Count(a => a == "RESEND_TOO_SOON"));
        Assert.Equal(1, cluster.Sum(n => n.Factory.Outbox.All.Count(m => m.Template == NotificationTemplates.AuthenticatorCode)));
    }

    /// <summary>
    /// Each node's server, at the shipped Argon2 cost (<see cref="ServerOptions.ProductionArgon2Cost"/>): these attacks race
    /// parallel guesses through the window a verify holds open, so the window stays as wide as in production.
    /// </summary>
    private protected abstract ServerOptions NodeOptions(bool defaultRateLimits);

    private List<Node> Start(bool defaultRateLimits = false)
    {
        for (var i = 0; i < NodeCount; i++)
        {
            var factory = new RecoveryServerFactory(NodeOptions(defaultRateLimits));
            nodes.Add(new Node(factory, new RecoveryApi(GrpcChannel.ForAddress(factory.Server.BaseAddress, new GrpcChannelOptions { HttpHandler = factory.Server.CreateHandler() }))));
        }

        return nodes;
    }

    private static async Task<CredentialRecord> CredentialsAsync(Node node, string customerId) =>
        await node.Factory.Services.GetRequiredService<ICustomerStore>().GetCredentialsAsync(customerId, CancellationToken.None).WaitAsync(RecoveryApi.Timeout)
            ?? throw new InvalidOperationException("No credentials.");

    private static async Task<string> AddCustomerAsync(ICustomerStore store, int n, string? passwordHash)
    {
        var customer = new CustomerRecord
        {
            Id = $"atk-{n}",
            UserCode = $"6000000{n}",
            DisplayName = "CLIENTE IMPORTADO",
            Email = $"importado{n}@example.es",
            Phone = SyntheticCustomer.Phone(n),
            DocumentId = SyntheticCustomer.Document(n),
            Language = "es-ES",
            Cards = [],
        };
        Assert.True(await store.AddIfAbsentAsync(customer, new CredentialRecord { CustomerId = customer.Id, PasswordHash = passwordHash }, CancellationToken.None).WaitAsync(RecoveryApi.Timeout));
        return customer.UserCode;
    }

    // Eight wrong passwords in a row, alternating nodes: status, reason and the whole google.rpc.Status of each answer.
    private static async Task<List<string>> SequenceAsync(List<Node> cluster, string userCode)
    {
        var answers = new List<string>();
        for (var i = 0; i < 8; i++)
        {
            var node = cluster[i % cluster.Count];
            var ex = await Assert.ThrowsAsync<RpcException>(() => node.Api.LoginAsync(userCode, WrongPassword));
            var status = ex.GetRpcStatus();
            Assert.NotNull(status);
            var error = await RpcError.FromAsync(() => Task.FromException(ex));
            answers.Add($"{ex.StatusCode} {error.Reason}|{ex.Status.Detail}|{Convert.ToBase64String(status.ToByteArray())}");
        }

        return answers;
    }

    private static long Computed(List<Node> cluster) => cluster.Sum(n => n.Factory.Services.GetRequiredService<Argon2Gate>().Computed);

    private static async Task<(T Response, long Hashes)> CostAsync<T>(List<Node> cluster, Func<Task<T>> call)
    {
        var before = Computed(cluster);
        var response = await call();
        return (response, Computed(cluster) - before);
    }

    private static async Task<(string RecoveryId, string Temporary)> RecoverAsync(List<Node> cluster, DemoCustomer customer)
    {
        var outbox = cluster[0].Factory.Outbox;
        var mark = outbox.Count;
        var started = await cluster[0].Api.StartAsync(customer);
        var code = outbox.Single(mark, NotificationTemplates.RecoveryCode).Values["code"];
        mark = outbox.Count;
        await cluster[0].Api.ConfirmAsync(started.RecoveryId, code);
        return (started.RecoveryId, outbox.Single(mark, NotificationTemplates.RecoveryTemporaryPassword).Values["temporary_password"]);
    }

    private static async Task<(string Answer, long Hashes)> MeasuredAsync(List<Node> cluster, Func<Task> call)
    {
        var before = cluster.Sum(n => n.Factory.Services.GetRequiredService<Argon2Gate>().Computed);
        string answer;
        try
        {
            await call();
            answer = "OK";
        }
        catch (RpcException ex)
        {
            answer = $"{ex.StatusCode} {(await RpcError.FromAsync(() => Task.FromException(ex))).Reason}|{ex.Status.Detail}|{Convert.ToBase64String(ex.GetRpcStatus()!.ToByteArray())}";
        }

        return (answer, cluster.Sum(n => n.Factory.Services.GetRequiredService<Argon2Gate>().Computed) - before);
    }

    private static async Task<string> AnswerAsync(Func<Task> call)
    {
        try
        {
            await call();
            return "OK";
        }
        catch (RpcException ex)
        {
            return (await RpcError.FromAsync(() => Task.FromException(ex))).Reason;
        }
    }

    private sealed record Node(RecoveryServerFactory Factory, RecoveryApi Api);
}
