using Grpc.Core;
using Recovery.V1;

namespace Recovery.Client.CommandLine.Commands;

/// <summary>
/// One run of the recovery flow, step by step as the seed screens show it. Codes come from the dev sink
/// when one is given (no retries: a CI run must fail loudly), otherwise from the user (a few tries each,
/// with "r" to resend and, when signing, "c" to cancel).
/// </summary>
internal sealed class RecoverFlow(CliContext context, ParsedOptions options, RecoverSettings settings)
{
    // The server burns a code after 3 wrong tries; asking more often would only earn a less helpful error.
    private const int MaxAttempts = 3;

    private const string CallCentrePhone = "950 183 313";

    private string _step = "1 Tu dato";

    private TextWriter Out => context.Out;

    private RecoveryClient Client => context.Client;

    private DevSinkReader? Sink => settings.Sink;

    public async Task<int> RunAsync(CancellationToken cancellationToken)
    {
        try
        {
            Out.WriteLine("Recuperar contraseña");
            Out.WriteLine("1 Tu dato · 2 Confirmación · 3 Selección confirmada");

            var (recoveryId, startMark) = await StartAsync(cancellationToken).ConfigureAwait(false);
            var (confirmed, confirmMark) = await ConfirmAsync(recoveryId, startMark, cancellationToken).ConfigureAwait(false);
            var (userCode, temporaryPassword) = await ReceiveCredentialsAsync(confirmed, confirmMark, cancellationToken).ConfigureAwait(false);
            var change = await FirstAccessAsync(userCode, temporaryPassword, cancellationToken).ConfigureAwait(false);
            var (operation, newPassword, changeMark) = await ChangePasswordAsync(change, temporaryPassword, cancellationToken).ConfigureAwait(false);
            await SignAsync(operation, changeMark, cancellationToken).ConfigureAwait(false);
            await LoginWithNewPasswordAsync(userCode, newPassword, cancellationToken).ConfigureAwait(false);
            return ExitCodes.Success;
        }
        catch (RecoveryClientException ex)
        {
            context.ReportFailure(_step, ex);
        }
        catch (TimeoutException ex)
        {
            context.ReportFailure(_step, ex, _step.StartsWith('2')
                ? "an unknown card, an expiry or document that does not match, or a blocked recovery gets no SMS by design; check the card data."
                : null);
        }
        catch (StepFailedException ex)
        {
            context.ReportFailure(_step, ex, ex.Hint);
        }

        return ExitCodes.StepFailed;
    }

    private async Task<(string RecoveryId, long Mark)> StartAsync(CancellationToken cancellationToken)
    {
        Header("1 Tu dato");
        var card = context.Require(options, RecoverCommand.CardOption, "Número de tarjeta: ");
        var expiry = context.Require(options, RecoverCommand.ExpiryOption, "Fecha de caducidad (MM/AA): ");
        var document = context.Require(options, RecoverCommand.DocumentOption, "Documento (DNI, NIE o pasaporte): ");
        Out.WriteLine($"Tarjeta {Secrets.Pan(card)} · caducidad {expiry} · documento {Secrets.Document(document)}");

        var mark = Mark();
        var captcha = await CaptchaAnswer.ResolveAsync(Client, settings.Captcha, cancellationToken).ConfigureAwait(false);
        var started = await Client.StartRecoveryAsync(card, expiry, document, captcha, settings.Language, cancellationToken)
            .ConfigureAwait(false);
        Out.WriteLine("Enviaremos un SMS a tu móvil para que confirmes la petición de nuevas claves.");
        Out.WriteLine($"El código caduca: {Show.Time(started.CodeExpireTime)}");
        return (started.RecoveryId, mark);
    }

    private async Task<(ConfirmRecoveryResponse Response, long Mark)> ConfirmAsync(string recoveryId, long startMark, CancellationToken cancellationToken)
    {
        _step = "2 Confirmación";
        Header(_step);
        if (Sink is not null)
        {
            var sms = await Sink.WaitForAsync(startMark, DevSinkTemplates.RecoveryCode, settings.SinkTimeout, cancellationToken).ConfigureAwait(false);
            var code = sms.GetValue(DevSinkTemplates.CodeKey);
            Out.WriteLine($"Código recibido por SMS (dev sink): {Secrets.Show(code, settings.ShowSecrets)}");
            var mark = Mark();
            return (await Client.ConfirmRecoveryAsync(recoveryId, code, cancellationToken).ConfigureAwait(false), mark);
        }

        for (var attempt = 1; ; attempt++)
        {
            var input = context.Ask("Código recibido por SMS (r = reenviar): ", $"the SMS code is needed (or pass {RecoverCommand.DevSinkOption})");
            if (input is "r" or "R")
            {
                await ResendAsync(() => Client.ResendRecoveryCodeAsync(recoveryId, cancellationToken), r => (r.ResendsRemaining, r.ResendAvailableTime))
                    .ConfigureAwait(false);
                attempt--;
                continue;
            }

            try
            {
                var mark = Mark();
                return (await Client.ConfirmRecoveryAsync(recoveryId, input, cancellationToken).ConfigureAwait(false), mark);
            }
            catch (RecoveryClientException ex) when (attempt < MaxAttempts && IsWorthAnotherTry(ex))
            {
                context.Error.WriteLine(ex.Message);
            }
        }
    }

    private async Task<(string UserCode, string TemporaryPassword)> ReceiveCredentialsAsync(
        ConfirmRecoveryResponse confirmed, long confirmMark, CancellationToken cancellationToken)
    {
        _step = "3 Selección confirmada";
        Header(_step);
        Out.WriteLine("¡Felicidades!");
        Out.WriteLine("Ya hemos restaurado tu contraseña de acceso a Banca a Distancia.");
        Out.WriteLine();
        Out.WriteLine("Código de usuario");
        Out.WriteLine($"Te hemos enviado un correo electrónico con tu código de usuario a {confirmed.MaskedEmail}");
        Out.WriteLine();
        Out.WriteLine("Contraseña");
        Out.WriteLine($"Te hemos enviado un SMS con tu nueva contraseña al número {confirmed.MaskedPhone}");
        Out.WriteLine();
        Out.WriteLine("Recuerda que en tu primer acceso a la Banca Electrónica se le pedirá que cambies esta contraseña por otra de tu elección.");

        if (Sink is null)
        {
            var typedUserCode = context.Ask("Código de usuario (recibido por correo electrónico): ", "the user code is needed");
            var typedPassword = await context.AskSecretAsync("Contraseña (recibida por SMS): ", "the temporary password is needed", cancellationToken)
                .ConfigureAwait(false);
            return (typedUserCode, typedPassword);
        }

        // Matching the masked destinations keeps us on our own customer's messages when flows share a sink.
        var email = await Sink.WaitForAsync(
            confirmMark, DevSinkTemplates.RecoveryUserCode, m => MaskedDestination.Matches(confirmed.MaskedEmail, m.To),
            settings.SinkTimeout, cancellationToken).ConfigureAwait(false);
        var sms = await Sink.WaitForAsync(
            confirmMark, DevSinkTemplates.RecoveryTemporaryPassword, m => MaskedDestination.Matches(confirmed.MaskedPhone, m.To),
            settings.SinkTimeout, cancellationToken).ConfigureAwait(false);
        var userCode = email.GetValue(DevSinkTemplates.UserCodeKey);
        var temporaryPassword = sms.GetValue(DevSinkTemplates.TemporaryPasswordKey);
        Out.WriteLine($"Código de usuario (dev sink): {Secrets.Show(userCode, settings.ShowSecrets)}");
        Out.WriteLine($"Contraseña (dev sink): {Secrets.Show(temporaryPassword, settings.ShowSecrets)}");
        return (userCode, temporaryPassword);
    }

    private async Task<PasswordChangeRequired> FirstAccessAsync(string userCode, string temporaryPassword, CancellationToken cancellationToken)
    {
        _step = "4 Acceso";
        Header(_step);
        var login = await Client.LoginAsync(userCode, temporaryPassword, cancellationToken).ConfigureAwait(false);
        if (login.ResultCase != LoginResponse.ResultOneofCase.PasswordChangeRequired)
        {
            throw new StepFailedException(
                $"Login with the temporary password must allow only a password change, but it returned '{login.ResultCase}'.");
        }

        Out.WriteLine($"Acceso de {login.PasswordChangeRequired.DisplayName}: debe cambiar la contraseña antes de continuar.");
        return login.PasswordChangeRequired;
    }

    private async Task<(Operation Operation, string NewPassword, long Mark)> ChangePasswordAsync(
        PasswordChangeRequired change, string temporaryPassword, CancellationToken cancellationToken)
    {
        _step = "5 Cambio de contraseña";
        Header(_step);
        Out.WriteLine(change.DisplayName);
        Out.WriteLine("Por favor, modifique la contraseña que le hemos enviado por una que pueda recordar fácilmente.");
        Out.WriteLine("Le recomendamos que su contraseña sea de 8 caracteres y un máximo de 20 y que incluya una combinación de " +
            "letras mayúsculas y minúsculas, números y símbolos. Recuerda usar una contraseña \"Fuerte\".");
        Out.WriteLine($"Contraseña actual: {Secrets.Show(temporaryPassword, settings.ShowSecrets)}");

        var interactive = settings.NewPassword is null;
        for (var attempt = 1; ; attempt++)
        {
            string newPassword;
            string repeat;
            if (settings.NewPassword is { } given)
            {
                newPassword = repeat = given;
                var evaluation = await Client.EvaluatePasswordAsync(given, change.ChangeTicket, settings.Language, cancellationToken)
                    .ConfigureAwait(false);
                Out.WriteLine($"Contraseña nueva: {Secrets.Show(given, settings.ShowSecrets)}");
                Out.WriteLine(PasswordMeter.Block(evaluation));
                Out.WriteLine($"Repetir contraseña: {Secrets.Show(given, settings.ShowSecrets)}");
            }
            else
            {
                var missing = $"missing {RecoverCommand.NewPasswordOption}";
                context.EnsureInputAllowed(missing);
                newPassword = await context.Terminal
                    .ReadPasswordWithMeterAsync("Contraseña nueva: ", (candidate, ct) => MeterAsync(candidate, change.ChangeTicket, ct), cancellationToken)
                    .ConfigureAwait(false) ?? throw new UsageException($"{missing} (standard input ended).");
                if (newPassword.Length == 0)
                {
                    attempt--;
                    continue;
                }

                repeat = await context.AskSecretAsync("Repetir contraseña: ", missing, cancellationToken).ConfigureAwait(false);
                if (!string.Equals(newPassword, repeat, StringComparison.Ordinal))
                {
                    Out.WriteLine("Las contraseñas no coinciden.");
                    if (attempt < MaxAttempts)
                    {
                        continue;
                    }

                    throw new StepFailedException("The new password and its repetition differ.");
                }
            }

            try
            {
                var mark = Mark();
                var changed = await Client.ChangePasswordAsync(change.ChangeTicket, temporaryPassword, newPassword, repeat, settings.Language, cancellationToken)
                    .ConfigureAwait(false);
                return (changed.Operation ?? throw new StepFailedException("ChangePassword returned no operation to sign."), newPassword, mark);
            }
            catch (RecoveryClientException ex) when (interactive && attempt < MaxAttempts && ex.StatusCode == StatusCode.InvalidArgument)
            {
                context.Error.WriteLine(ex.Message);
            }
        }
    }

    private async Task SignAsync(Operation operation, long changeMark, CancellationToken cancellationToken)
    {
        _step = "6 Gestión de claves";
        Header(_step);
        Out.WriteLine("Verifique los datos y firme la operación con la clave que ha recibido en su teléfono móvil");
        Out.WriteLine();
        Out.WriteLine("Datos de la operación");
        Out.WriteLine($"Descripción: {operation.Description}");
        Out.WriteLine();
        Out.WriteLine($"Introduzca la clave que ha recibido por SMS en su teléfono móvil acabado en {operation.PhoneLastDigits}");
        Out.WriteLine();
        Out.WriteLine($"Si no recibe el mensaje puede obtener la clave llamando al {CallCentrePhone} indicando la referencia {operation.Reference} " +
            "(Tenga a mano alguna de sus tarjetas físicas del Grupo Cajamar que empiece por 4 o 5)");

        SignOperationResponse signed;
        if (Sink is not null)
        {
            // The code is bound to this operation: take the SMS that names our reference.
            var sms = await Sink.WaitForAsync(
                changeMark, DevSinkTemplates.OperationCode,
                m => !m.Values.TryGetValue(DevSinkTemplates.ReferenceKey, out var reference) || reference == operation.Reference,
                settings.SinkTimeout, cancellationToken).ConfigureAwait(false);
            var code = sms.GetValue(DevSinkTemplates.CodeKey);
            Out.WriteLine($"Clave (dev sink): {Secrets.Show(code, settings.ShowSecrets)}");
            signed = await Client.SignOperationAsync(operation.OperationId, code, cancellationToken).ConfigureAwait(false);
        }
        else
        {
            signed = await SignInteractivelyAsync(operation, cancellationToken).ConfigureAwait(false);
        }

        if (signed.State != OperationState.Signed)
        {
            throw new StepFailedException($"SignOperation answered state '{signed.State}' instead of 'Signed'.");
        }

        Out.WriteLine("Operación firmada: la nueva contraseña ya está en vigor.");
    }

    private async Task<SignOperationResponse> SignInteractivelyAsync(Operation operation, CancellationToken cancellationToken)
    {
        for (var attempt = 1; ; attempt++)
        {
            var input = context.Ask("Clave (r = reenviar, c = cancelar): ", $"the signing code is needed (or pass {RecoverCommand.DevSinkOption})");
            switch (input)
            {
                case "r" or "R":
                    await ResendAsync(() => Client.ResendOperationCodeAsync(operation.OperationId, cancellationToken), r => (r.ResendsRemaining, r.ResendAvailableTime))
                        .ConfigureAwait(false);
                    attempt--;
                    continue;

                case "c" or "C":
                    await Client.CancelOperationAsync(operation.OperationId, cancellationToken).ConfigureAwait(false);
                    Out.WriteLine("Operación cancelada.");
                    throw new StepFailedException("Cancelled at the user's request: the password was not changed.");
            }

            try
            {
                return await Client.SignOperationAsync(operation.OperationId, input, cancellationToken).ConfigureAwait(false);
            }
            catch (RecoveryClientException ex) when (attempt < MaxAttempts && IsWorthAnotherTry(ex))
            {
                context.Error.WriteLine(ex.Message);
            }
        }
    }

    private async Task LoginWithNewPasswordAsync(string userCode, string newPassword, CancellationToken cancellationToken)
    {
        _step = "Acceso con la nueva contraseña";
        Header(_step);
        var login = await Client.LoginAsync(userCode, newPassword, cancellationToken).ConfigureAwait(false);
        if (login.ResultCase != LoginResponse.ResultOneofCase.Session)
        {
            throw new StepFailedException($"Login with the new password must open a session, but it returned '{login.ResultCase}'.");
        }

        Out.WriteLine($"Sesión iniciada (token {Secrets.Show(login.Session.Token, settings.ShowSecrets)}, caduca {Show.Time(login.Session.ExpireTime)}).");
        Out.WriteLine("Recuperación completada.");
    }

    private async Task<string> MeterAsync(string candidate, string changeTicket, CancellationToken cancellationToken)
    {
        try
        {
            var evaluation = await Client.EvaluatePasswordAsync(candidate, changeTicket, settings.Language, cancellationToken).ConfigureAwait(false);
            return PasswordMeter.Line(evaluation);
        }
        catch (RecoveryClientException ex)
        {
            // The meter is advice while typing; ChangePassword gives the verdict that counts.
            return $"Fortaleza: ? ({ex.StatusCode})";
        }
    }

    private async Task ResendAsync<T>(Func<Task<T>> resend, Func<T, (int Remaining, Google.Protobuf.WellKnownTypes.Timestamp? Next)> describe)
    {
        try
        {
            var (remaining, next) = describe(await resend().ConfigureAwait(false));
            Out.WriteLine($"Nuevo código enviado. Reenvíos restantes: {remaining}; el siguiente, a partir de {Show.Time(next)}.");
        }
        catch (RecoveryClientException ex)
        {
            context.Error.WriteLine(ex.Message);
        }
    }

    // A wrong or expired code is worth retyping; an unreachable or overloaded server is not.
    private static bool IsWorthAnotherTry(RecoveryClientException ex) =>
        ex.StatusCode is StatusCode.InvalidArgument or StatusCode.FailedPrecondition or StatusCode.PermissionDenied or StatusCode.Unauthenticated;

    private long Mark() => Sink?.Mark() ?? 0;

    private void Header(string step)
    {
        Out.WriteLine();
        Out.WriteLine($"== {step} ==");
    }
}
