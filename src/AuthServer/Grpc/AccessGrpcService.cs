using Grpc.Core;
using Microsoft.AspNetCore.Authorization;
using Microsoft.Extensions.Options;
using Recovery.AuthServer.Access;
using Recovery.AuthServer.Common;
using Recovery.AuthServer.Otp;
using Recovery.AuthServer.Passwords;
using Recovery.AuthServer.Sessions;
using Recovery.V1;

namespace Recovery.AuthServer.Grpc;

/// <summary>Adapter for steps 4–6: validate shape, call <see cref="AccessFlow"/>, map back.</summary>
[Authorize(Policy = CredentialSchemes.Channel)]
public sealed class AccessGrpcService(AccessFlow flow, AuthenticatorFlow authenticators, PasswordPolicy policy, IOptions<OtpOptions> otp) : AccessService.AccessServiceBase
{
    // Generous bounds on what is read at all; the policy's own maximum is a rule with a message.
    private const int PasswordFieldMax = 256;
    private const int TicketMax = 64;

    public override async Task<LoginResponse> Login(LoginRequest request, ServerCallContext context)
    {
        // Text that cannot be normalised is refused before the lookup, the limits and the hash (see UnicodeText).
        new RequestValidator()
            .Required("user_code", request.UserCode, 32)
            .Required("password", request.Password, PasswordFieldMax)
            .Normalizable("user_code", request.UserCode)
            .Normalizable("password", request.Password, RequestValidator.PasswordCharactersReason)
            .ThrowIfInvalid();
        var result = (await flow.LoginAsync(request.UserCode.Trim(), request.Password, CallerContextReader.Read(context), context.CancellationToken)).Unwrap();
        return result switch
        {
            LoginResult.SessionGranted s => new LoginResponse { Session = new Session { Token = s.Token, ExpireTime = s.ExpiresAt.ToTimestamp() } },
            LoginResult.ChangeRequired c => new LoginResponse
            {
                PasswordChangeRequired = new PasswordChangeRequired { ChangeTicket = c.Ticket, ExpireTime = c.ExpiresAt.ToTimestamp(), DisplayName = c.DisplayName },
            },
            _ => throw new InvalidOperationException("Unknown login result."),
        };
    }

    public override async Task<EvaluatePasswordResponse> EvaluatePassword(EvaluatePasswordRequest request, ServerCallContext context)
    {
        new RequestValidator()
            .Required("password", request.Password, PasswordFieldMax)
            .Normalizable("password", request.Password, RequestValidator.PasswordCharactersReason)
            .Optional("change_ticket", request.ChangeTicket, TicketMax)
            .Language("language_code", request.LanguageCode, out var language)
            .ThrowIfInvalid();
        var evaluation = (await flow.EvaluateAsync(request.Password, request.ChangeTicket, context.CancellationToken)).Unwrap();
        var response = new EvaluatePasswordResponse
        {
            Strength = evaluation.Strength.ToProto(),
            StrengthLabel = PasswordTexts.Label(evaluation.Strength, language ?? Language.Spanish),
            Acceptable = evaluation.Acceptable,
        };
        response.UnmetRules.AddRange(evaluation.Unmet
            .OrderByDescending(r => r.Required)
            .Select(r => new PasswordRuleResult { Rule = r.Rule.ToProto(), Required = r.Required, Message = PasswordTexts.Message(r.Rule, language ?? Language.Spanish, policy.Options) }));
        return response;
    }

    public override async Task<ChangePasswordResponse> ChangePassword(ChangePasswordRequest request, ServerCallContext context)
    {
        new RequestValidator()
            .Required("change_ticket", request.ChangeTicket, TicketMax)
            .Required("current_password", request.CurrentPassword, PasswordFieldMax)
            .Required("new_password", request.NewPassword, PasswordFieldMax)
            .Required("repeat_password", request.RepeatPassword, PasswordFieldMax)
            .Normalizable("current_password", request.CurrentPassword, RequestValidator.PasswordCharactersReason)
            .Normalizable("new_password", request.NewPassword, RequestValidator.PasswordCharactersReason)
            .Normalizable("repeat_password", request.RepeatPassword, RequestValidator.PasswordCharactersReason)
            .Language("language_code", request.LanguageCode, out var language)
            .ThrowIfInvalid();
        var command = new ChangePasswordCommand(request.ChangeTicket, request.CurrentPassword, request.NewPassword, request.RepeatPassword, language, CallerContextReader.Read(context))
        {
            Idempotency = IdempotencyInterceptor.RiderOf<OperationView>(context, ToResponse),
        };
        var operation = (await flow.ChangePasswordAsync(command, context.CancellationToken)).Unwrap();
        return ToResponse(operation);
    }

    private static ChangePasswordResponse ToResponse(OperationView operation) => new() { Operation = operation.ToProto() };

    public override async Task<ResendOperationCodeResponse> ResendOperationCode(ResendOperationCodeRequest request, ServerCallContext context)
    {
        new RequestValidator().Id("operation_id", request.OperationId).ThrowIfInvalid();
        var resent = (await flow.ResendOperationCodeAsync(
            request.OperationId,
            CallerContextReader.Read(context),
            IdempotencyInterceptor.RiderOf<CodeResent>(context, ToResponse),
            context.CancellationToken)).Unwrap();
        return ToResponse(resent);
    }

    private static ResendOperationCodeResponse ToResponse(CodeResent resent) => new()
    {
        CodeExpireTime = resent.CodeExpiresAt.ToTimestamp(),
        ResendAvailableTime = resent.ResendAvailableAt.ToTimestamp(),
        ResendsRemaining = resent.ResendsRemaining,
    };

    public override async Task<SignOperationResponse> SignOperation(SignOperationRequest request, ServerCallContext context)
    {
        // An SMS code has SigningCodeDigits digits, an authenticator's code TotpCode.Digits.
        var digits = otp.Value.SigningCodeDigits;
        new RequestValidator()
            .Id("operation_id", request.OperationId)
            .Digits("code", request.Code, Math.Min(digits, TotpCode.Digits), Math.Max(digits, TotpCode.Digits))
            .ThrowIfInvalid();
        var state = (await flow.SignAsync(
            request.OperationId,
            request.Code,
            CallerContextReader.Read(context),
            IdempotencyInterceptor.RiderOf<Operations.OperationState>(context, ToSignResponse),
            context.CancellationToken)).Unwrap();
        return ToSignResponse(state);
    }

    private static SignOperationResponse ToSignResponse(Operations.OperationState state) => new() { State = state.ToProto() };

    public override async Task<CancelOperationResponse> CancelOperation(CancelOperationRequest request, ServerCallContext context)
    {
        new RequestValidator().Id("operation_id", request.OperationId).ThrowIfInvalid();
        var state = (await flow.CancelAsync(
            request.OperationId,
            CallerContextReader.Read(context),
            IdempotencyInterceptor.RiderOf<Operations.OperationState>(context, ToCancelResponse),
            context.CancellationToken)).Unwrap();
        return ToCancelResponse(state);
    }

    private static CancelOperationResponse ToCancelResponse(Operations.OperationState state) => new() { State = state.ToProto() };

    public override async Task<EnrollAuthenticatorResponse> EnrollAuthenticator(EnrollAuthenticatorRequest request, ServerCallContext context)
    {
        new RequestValidator().Token("session_token", request.SessionToken).ThrowIfInvalid();
        var started = (await authenticators.EnrollAsync(request.SessionToken, CallerContextReader.Read(context), context.CancellationToken)).Unwrap();
        return new EnrollAuthenticatorResponse
        {
            OtpauthUri = started.Enrollment.OtpauthUri,
            Secret = started.Enrollment.Secret,
            ExpireTime = started.Enrollment.ExpiresAt.ToTimestamp(),
            MaskedPhone = started.MaskedPhone,
        };
    }

    public override async Task<ConfirmAuthenticatorResponse> ConfirmAuthenticator(ConfirmAuthenticatorRequest request, ServerCallContext context)
    {
        new RequestValidator()
            .Token("session_token", request.SessionToken)
            .Digits("code", request.Code, TotpCode.Digits, TotpCode.Digits)
            .Digits("sms_code", request.SmsCode, TotpCode.Digits, TotpCode.Digits)
            .ThrowIfInvalid();
        var confirmed = (await authenticators.ConfirmAsync(request.SessionToken, request.Code, request.SmsCode, CallerContextReader.Read(context), context.CancellationToken)).Unwrap();
        return new ConfirmAuthenticatorResponse { ConfirmTime = confirmed.ToTimestamp() };
    }
}
