using Grpc.Core;
using Grpc.Core.Interceptors;
using Grpc.Net.Client;
using Recovery.V1;

namespace Recovery.Client;

/// <summary>
/// Typed access to <c>recovery.v1.RecoveryService</c> and <c>recovery.v1.AccessService</c>.
/// Every call carries a deadline (<see cref="DefaultDeadline"/>) and every failure surfaces as a
/// <see cref="RecoveryClientException"/> with the google.rpc details decoded. Cancelling the
/// caller's token surfaces as <see cref="OperationCanceledException"/> instead, as .NET callers expect.
/// </summary>
/// <remarks>
/// Thread-safe; share one instance per channel. A server with <c>Channels:Tokens</c> configured wants
/// every call to carry the channel's token: build the client with <see cref="ForChannel"/>. For other
/// headers, build it over <c>channel.Intercept(...)</c> with the <see cref="CallInvoker"/> constructor.
/// </remarks>
public sealed class RecoveryClient
{
    /// <summary>The per-call deadline used when none is given: 10 seconds.</summary>
    public static readonly TimeSpan StandardDeadline = TimeSpan.FromSeconds(10);

    private readonly CallInvoker _invoker;

    /// <summary>Creates a client over a channel (which the caller keeps owning and disposing).</summary>
    /// <param name="channel">The channel to the server.</param>
    /// <param name="defaultDeadline">Per-call deadline; default 10 s.</param>
    public RecoveryClient(GrpcChannel channel, TimeSpan? defaultDeadline = null)
        : this((channel ?? throw new ArgumentNullException(nameof(channel))).CreateCallInvoker(), defaultDeadline)
    {
    }

    /// <summary>Creates a client over a call invoker, e.g. an intercepted channel.</summary>
    /// <param name="callInvoker">The invoker every call goes through.</param>
    /// <param name="defaultDeadline">Per-call deadline; default 10 s.</param>
    public RecoveryClient(CallInvoker callInvoker, TimeSpan? defaultDeadline = null)
    {
        ArgumentNullException.ThrowIfNull(callInvoker);
        var deadline = defaultDeadline ?? StandardDeadline;
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(deadline, TimeSpan.Zero, nameof(defaultDeadline));

        _invoker = callInvoker;
        DefaultDeadline = deadline;
        Recovery = new RecoveryService.RecoveryServiceClient(callInvoker);
        Access = new AccessService.AccessServiceClient(callInvoker);
    }

    /// <summary>
    /// A client whose every call carries <c>authorization: Bearer &lt;channelToken&gt;</c>: the credential of a
    /// bank channel (one of the server's <c>Channels:Tokens</c>), which also tells the server who is calling.
    /// </summary>
    /// <param name="channel">The channel to the server (which the caller keeps owning and disposing).</param>
    /// <param name="channelToken">The channel's token.</param>
    /// <param name="defaultDeadline">Per-call deadline; default 10 s.</param>
    public static RecoveryClient ForChannel(GrpcChannel channel, string channelToken, TimeSpan? defaultDeadline = null)
    {
        ArgumentNullException.ThrowIfNull(channel);
        ArgumentException.ThrowIfNullOrWhiteSpace(channelToken);
        var header = "Bearer " + channelToken;
        return new RecoveryClient(
            channel.CreateCallInvoker().Intercept(metadata =>
            {
                // A copy: the headers a caller passed in stay as they were, reusable for another client.
                var headers = new Metadata();
                foreach (var entry in metadata)
                {
                    headers.Add(entry);
                }

                headers.Add("authorization", header);
                return headers;
            }),
            defaultDeadline);
    }

    /// <summary>The deadline applied to each call, counted from when the call starts.</summary>
    public TimeSpan DefaultDeadline { get; }

    /// <summary>The generated client, for what this wrapper does not cover (headers, trailers).</summary>
    public RecoveryService.RecoveryServiceClient Recovery { get; }

    /// <summary>The generated client, for what this wrapper does not cover (headers, trailers).</summary>
    public AccessService.AccessServiceClient Access { get; }

    /// <summary>A client over the same invoker with another per-call deadline.</summary>
    public RecoveryClient WithDeadline(TimeSpan deadline) => new(_invoker, deadline);

    // ---- Steps 1–3: RecoveryService ----

    public Task<CreateCaptchaChallengeResponse> CreateCaptchaChallengeAsync(CancellationToken cancellationToken = default) =>
        CallAsync(nameof(RecoveryService.RecoveryServiceClient.CreateCaptchaChallenge), o => Recovery.CreateCaptchaChallengeAsync(new CreateCaptchaChallengeRequest(), o), cancellationToken);

    public Task<StartRecoveryResponse> StartRecoveryAsync(StartRecoveryRequest request, CancellationToken cancellationToken = default) =>
        CallAsync(nameof(RecoveryService.RecoveryServiceClient.StartRecovery), o => Recovery.StartRecoveryAsync(request, o), cancellationToken);

    public Task<StartRecoveryResponse> StartRecoveryAsync(
        string cardNumber, string cardExpiry, string documentId, string captchaToken,
        string? languageCode = null, CancellationToken cancellationToken = default) =>
        StartRecoveryAsync(
            new StartRecoveryRequest
            {
                CardNumber = cardNumber,
                CardExpiry = cardExpiry,
                DocumentId = documentId,
                CaptchaToken = captchaToken,
                LanguageCode = languageCode ?? string.Empty,
            },
            cancellationToken);

    public Task<ResendRecoveryCodeResponse> ResendRecoveryCodeAsync(ResendRecoveryCodeRequest request, CancellationToken cancellationToken = default) =>
        CallAsync(nameof(RecoveryService.RecoveryServiceClient.ResendRecoveryCode), o => Recovery.ResendRecoveryCodeAsync(request, o), cancellationToken);

    public Task<ResendRecoveryCodeResponse> ResendRecoveryCodeAsync(string recoveryId, CancellationToken cancellationToken = default) =>
        ResendRecoveryCodeAsync(new ResendRecoveryCodeRequest { RecoveryId = recoveryId }, cancellationToken);

    public Task<ConfirmRecoveryResponse> ConfirmRecoveryAsync(ConfirmRecoveryRequest request, CancellationToken cancellationToken = default) =>
        CallAsync(nameof(RecoveryService.RecoveryServiceClient.ConfirmRecovery), o => Recovery.ConfirmRecoveryAsync(request, o), cancellationToken);

    public Task<ConfirmRecoveryResponse> ConfirmRecoveryAsync(string recoveryId, string code, CancellationToken cancellationToken = default) =>
        ConfirmRecoveryAsync(new ConfirmRecoveryRequest { RecoveryId = recoveryId, Code = code }, cancellationToken);

    // ---- Steps 4–6: AccessService ----

    public Task<LoginResponse> LoginAsync(LoginRequest request, CancellationToken cancellationToken = default) =>
        CallAsync(nameof(AccessService.AccessServiceClient.Login), o => Access.LoginAsync(request, o), cancellationToken);

    public Task<LoginResponse> LoginAsync(string userCode, string password, CancellationToken cancellationToken = default) =>
        LoginAsync(new LoginRequest { UserCode = userCode, Password = password }, cancellationToken);

    public Task<EvaluatePasswordResponse> EvaluatePasswordAsync(EvaluatePasswordRequest request, CancellationToken cancellationToken = default) =>
        CallAsync(nameof(AccessService.AccessServiceClient.EvaluatePassword), o => Access.EvaluatePasswordAsync(request, o), cancellationToken);

    public Task<EvaluatePasswordResponse> EvaluatePasswordAsync(
        string password, string? changeTicket = null, string? languageCode = null, CancellationToken cancellationToken = default) =>
        EvaluatePasswordAsync(
            new EvaluatePasswordRequest
            {
                Password = password,
                ChangeTicket = changeTicket ?? string.Empty,
                LanguageCode = languageCode ?? string.Empty,
            },
            cancellationToken);

    public Task<ChangePasswordResponse> ChangePasswordAsync(ChangePasswordRequest request, CancellationToken cancellationToken = default) =>
        CallAsync(nameof(AccessService.AccessServiceClient.ChangePassword), o => Access.ChangePasswordAsync(request, o), cancellationToken);

    public Task<ChangePasswordResponse> ChangePasswordAsync(
        string changeTicket, string currentPassword, string newPassword, string repeatPassword,
        string? languageCode = null, CancellationToken cancellationToken = default) =>
        ChangePasswordAsync(
            new ChangePasswordRequest
            {
                ChangeTicket = changeTicket,
                CurrentPassword = currentPassword,
                NewPassword = newPassword,
                RepeatPassword = repeatPassword,
                LanguageCode = languageCode ?? string.Empty,
            },
            cancellationToken);

    public Task<ResendOperationCodeResponse> ResendOperationCodeAsync(ResendOperationCodeRequest request, CancellationToken cancellationToken = default) =>
        CallAsync(nameof(AccessService.AccessServiceClient.ResendOperationCode), o => Access.ResendOperationCodeAsync(request, o), cancellationToken);

    public Task<ResendOperationCodeResponse> ResendOperationCodeAsync(string operationId, CancellationToken cancellationToken = default) =>
        ResendOperationCodeAsync(new ResendOperationCodeRequest { OperationId = operationId }, cancellationToken);

    public Task<EnrollAuthenticatorResponse> EnrollAuthenticatorAsync(string sessionToken, CancellationToken cancellationToken = default) =>
        CallAsync(nameof(AccessService.AccessServiceClient.EnrollAuthenticator),
            o => Access.EnrollAuthenticatorAsync(new EnrollAuthenticatorRequest { SessionToken = sessionToken }, o), cancellationToken);

    /// <summary>Confirms the pending enrolment with a current app code and the SMS code EnrollAuthenticator sent.</summary>
    public Task<ConfirmAuthenticatorResponse> ConfirmAuthenticatorAsync(string sessionToken, string code, string smsCode, CancellationToken cancellationToken = default) =>
        CallAsync(nameof(AccessService.AccessServiceClient.ConfirmAuthenticator),
            o => Access.ConfirmAuthenticatorAsync(new ConfirmAuthenticatorRequest { SessionToken = sessionToken, Code = code, SmsCode = smsCode }, o), cancellationToken);

    public Task<SignOperationResponse> SignOperationAsync(SignOperationRequest request, CancellationToken cancellationToken = default) =>
        CallAsync(nameof(AccessService.AccessServiceClient.SignOperation), o => Access.SignOperationAsync(request, o), cancellationToken);

    public Task<SignOperationResponse> SignOperationAsync(string operationId, string code, CancellationToken cancellationToken = default) =>
        SignOperationAsync(new SignOperationRequest { OperationId = operationId, Code = code }, cancellationToken);

    public Task<CancelOperationResponse> CancelOperationAsync(CancelOperationRequest request, CancellationToken cancellationToken = default) =>
        CallAsync(nameof(AccessService.AccessServiceClient.CancelOperation), o => Access.CancelOperationAsync(request, o), cancellationToken);

    public Task<CancelOperationResponse> CancelOperationAsync(string operationId, CancellationToken cancellationToken = default) =>
        CancelOperationAsync(new CancelOperationRequest { OperationId = operationId }, cancellationToken);

    private async Task<TResponse> CallAsync<TResponse>(
        string operation, Func<CallOptions, AsyncUnaryCall<TResponse>> start, CancellationToken cancellationToken)
    {
        // The deadline is computed per call, not per client, so a long-lived client never sends a stale one.
        var options = new CallOptions(deadline: DateTime.UtcNow + DefaultDeadline, cancellationToken: cancellationToken);
        try
        {
            using var call = start(options);
            return await call.ResponseAsync.ConfigureAwait(false);
        }
        catch (RpcException ex) when (ex.StatusCode == StatusCode.Cancelled && cancellationToken.IsCancellationRequested)
        {
            throw new OperationCanceledException($"{operation} was cancelled by the caller.", ex, cancellationToken);
        }
        catch (RpcException ex)
        {
            throw RecoveryClientException.FromRpcException(ex, operation);
        }
    }
}
