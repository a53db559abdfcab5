using Grpc.Core;
using Microsoft.AspNetCore.Authorization;
using Microsoft.Extensions.Options;
using Recovery.AuthServer.Captcha;
using Recovery.AuthServer.Otp;
using Recovery.AuthServer.Recovery;
using Recovery.V1;

namespace Recovery.AuthServer.Grpc;

/// <summary>Adapter for steps 1–3: validate shape, call <see cref="RecoveryFlow"/>, map back.</summary>
[Authorize(Policy = CredentialSchemes.Channel)]
public sealed class RecoveryGrpcService(RecoveryFlow flow, IOptions<OtpOptions> otp, AltchaChallenges altcha) : RecoveryService.RecoveryServiceBase
{
    public override Task<CreateCaptchaChallengeResponse> CreateCaptchaChallenge(CreateCaptchaChallengeRequest request, ServerCallContext context)
    {
        var challenge = altcha.Issue().Unwrap();
        return Task.FromResult(new CreateCaptchaChallengeResponse
        {
            Algorithm = challenge.Algorithm,
            Challenge = challenge.Challenge,
            MaxNumber = challenge.MaxNumber,
            Salt = challenge.Salt,
            Signature = challenge.Signature,
            ExpireTime = challenge.ExpiresAt.ToTimestamp(),
        });
    }

    public override async Task<StartRecoveryResponse> StartRecovery(StartRecoveryRequest request, ServerCallContext context)
    {
        new RequestValidator()
            .Required("card_number", request.CardNumber, 40)
            .Required("card_expiry", request.CardExpiry, 8)
            .Required("document_id", request.DocumentId, 32)
            .Required("captcha_token", request.CaptchaToken, 4096)
            .Language("language_code", request.LanguageCode, out var language)
            .ThrowIfInvalid();

        var started = (await flow.StartAsync(
            new StartRecoveryCommand(request.CardNumber, request.CardExpiry, request.DocumentId, request.CaptchaToken, language, CallerContextReader.Read(context))
            {
                Idempotency = IdempotencyInterceptor.RiderOf<RecoveryStarted>(context, ToResponse),
            },
            context.CancellationToken)).Unwrap();
        return ToResponse(started);
    }

    public override async Task<ResendRecoveryCodeResponse> ResendRecoveryCode(ResendRecoveryCodeRequest request, ServerCallContext context)
    {
        new RequestValidator().Id("recovery_id", request.RecoveryId).ThrowIfInvalid();
        var resent = (await flow.ResendAsync(
            request.RecoveryId,
            CallerContextReader.Read(context),
            IdempotencyInterceptor.RiderOf<CodeResent>(context, ToResponse),
            context.CancellationToken)).Unwrap();
        return ToResponse(resent);
    }

    public override async Task<ConfirmRecoveryResponse> ConfirmRecovery(ConfirmRecoveryRequest request, ServerCallContext context)
    {
        var digits = otp.Value.RecoveryCodeDigits;
        new RequestValidator().Id("recovery_id", request.RecoveryId).Digits("code", request.Code, digits, digits).ThrowIfInvalid();
        var confirmed = (await flow.ConfirmAsync(
            request.RecoveryId,
            request.Code,
            CallerContextReader.Read(context),
            IdempotencyInterceptor.RiderOf<RecoveryConfirmed>(context, ToResponse),
            context.CancellationToken)).Unwrap();
        return ToResponse(confirmed);
    }

    private static ConfirmRecoveryResponse ToResponse(RecoveryConfirmed confirmed) => new()
    {
        MaskedEmail = confirmed.MaskedEmail,
        MaskedPhone = confirmed.MaskedPhone,
        TemporaryPasswordExpireTime = confirmed.TemporaryPasswordExpiresAt.ToTimestamp(),
    };

    private static StartRecoveryResponse ToResponse(RecoveryStarted started) => new()
    {
        RecoveryId = started.RecoveryId,
        CodeExpireTime = started.CodeExpiresAt.ToTimestamp(),
        ResendAvailableTime = started.ResendAvailableAt.ToTimestamp(),
        ResendsRemaining = started.ResendsRemaining,
    };

    private static ResendRecoveryCodeResponse ToResponse(CodeResent resent) => new()
    {
        CodeExpireTime = resent.CodeExpiresAt.ToTimestamp(),
        ResendAvailableTime = resent.ResendAvailableAt.ToTimestamp(),
        ResendsRemaining = resent.ResendsRemaining,
    };
}
