using Grpc.Core;
using Grpc.Net.Client;
using Recovery.AuthServer.Sessions;
using Recovery.V1;

namespace Recovery.AuthServer.IntegrationTests.Infrastructure;

/// <summary>
/// The generated clients over a real <see cref="GrpcChannel"/> to the in-process server. Every call has
/// a gRPC deadline and every await a timeout, so a hung server fails the test instead of hanging it.
/// </summary>
internal sealed class RecoveryApi(GrpcChannel channel) : IDisposable
{
    public static readonly TimeSpan Deadline = TimeSpan.FromSeconds(10);
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(20);

    public GrpcChannel Channel { get; } = channel;

    public RecoveryService.RecoveryServiceClient Recovery { get; } = new(channel);

    public AccessService.AccessServiceClient Access { get; } = new(channel);

    public static CallOptions Options() => new(deadline: DateTime.UtcNow + Deadline);

    public Task<StartRecoveryResponse> StartAsync(string card, string expiry, string document, string captcha = DemoCustomer.Captcha, string language = "") =>
        StartAsync(new StartRecoveryRequest { CardNumber = card, CardExpiry = expiry, DocumentId = document, CaptchaToken = captcha, LanguageCode = language });

    public Task<StartRecoveryResponse> StartAsync(DemoCustomer customer) => StartAsync(customer.Card, customer.Expiry, customer.Document);

    public Task<StartRecoveryResponse> StartAsync(StartRecoveryRequest request) => CallAsync(Recovery.StartRecoveryAsync(request, Options()));

    public Task<ResendRecoveryCodeResponse> ResendAsync(string recoveryId) =>
        CallAsync(Recovery.ResendRecoveryCodeAsync(new ResendRecoveryCodeRequest { RecoveryId = recoveryId }, Options()));

    public Task<ConfirmRecoveryResponse> ConfirmAsync(string recoveryId, string code) =>
        CallAsync(Recovery.ConfirmRecoveryAsync(new ConfirmRecoveryRequest { RecoveryId = recoveryId, Code = code }, Options()));

    public Task<LoginResponse> LoginAsync(string userCode, string password) =>
        CallAsync(Access.LoginAsync(new LoginRequest { UserCode = userCode, Password = password }, Options()));

    public Task<EvaluatePasswordResponse> EvaluateAsync(string password, string changeTicket = "") =>
        CallAsync(Access.EvaluatePasswordAsync(new EvaluatePasswordRequest { Password = password, ChangeTicket = changeTicket }, Options()));

    public Task<ChangePasswordResponse> ChangePasswordAsync(string ticket, string currentPassword, string newPassword, string? repeatPassword = null) =>
        CallAsync(Access.ChangePasswordAsync(
            new ChangePasswordRequest
            {
                ChangeTicket = ticket,
                CurrentPassword = currentPassword,
                NewPassword = newPassword,
                RepeatPassword = repeatPassword ?? newPassword,
            },
            Options()));

    public Task<ResendOperationCodeResponse> ResendOperationCodeAsync(string operationId) =>
        CallAsync(Access.ResendOperationCodeAsync(new ResendOperationCodeRequest { OperationId = operationId }, Options()));

    public Task<SignOperationResponse> SignAsync(string operationId, string code) =>
        CallAsync(Access.SignOperationAsync(new SignOperationRequest { OperationId = operationId, Code = code }, Options()));

    public Task<CancelOperationResponse> CancelAsync(string operationId) =>
        CallAsync(Access.CancelOperationAsync(new CancelOperationRequest { OperationId = operationId }, Options()));

    public Task<EnrollAuthenticatorResponse> EnrollAuthenticatorAsync(string sessionToken) =>
        CallAsync(Access.EnrollAuthenticatorAsync(new EnrollAuthenticatorRequest { SessionToken = sessionToken }, Options()));

    public Task<ConfirmAuthenticatorResponse> ConfirmAuthenticatorAsync(string sessionToken, string code, string smsCode) =>
        CallAsync(Access.ConfirmAuthenticatorAsync(new ConfirmAuthenticatorRequest { SessionToken = sessionToken, Code = code, SmsCode = smsCode }, Options()));

    public void Dispose() => Channel.Dispose();

    public static async Task<T> CallAsync<T>(AsyncUnaryCall<T> call)
    {
        using (call)
        {
            return await call.ResponseAsync.WaitAsync(Timeout);
        }
    }
}
