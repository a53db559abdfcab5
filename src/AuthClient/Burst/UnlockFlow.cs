using System.Diagnostics;
using Google.Protobuf.WellKnownTypes;
using Recovery.V1;

namespace Recovery.Client.Burst;

/// <summary>
/// One customer's whole unlock: StartRecovery → ConfirmRecovery → Login (temporary) → ChangePassword →
/// SignOperation → Login (new). Codes come from the dev sink, matched by the customer's full phone (and the
/// operation's reference) because many flows write to the same sink at once. A shed call is sent again after the
/// delay the server advised, within the customer's patience and the life of what it carries (<see cref="ShedRetry"/>);
/// any other failure ends the flow.
/// </summary>
internal sealed class UnlockFlow(
    RecoveryClient client, SinkTail sink, SyntheticCustomers customers, BurstSettings settings, ShedRetry retry, RpcOutcomes outcomes,
    TimeProvider time, string prefix = "")
{
    /// <summary>The dev-sink templates a flow waits for.</summary>
    public static readonly string[] Templates =
        [DevSinkTemplates.RecoveryCode, DevSinkTemplates.RecoveryTemporaryPassword, DevSinkTemplates.OperationCode];

    /// <summary>Waits for a dev-sink message are timed under this prefix and the template's name.</summary>
    public const string SinkWaitPrefix = "dev sink: ";

    /// <summary>Runs customer <paramref name="i"/>'s flow to its end (a session opened with the new password).</summary>
    /// <exception cref="RecoveryClientException">A call failed and was not retried (already counted).</exception>
    /// <exception cref="BurstFlowException">A message did not arrive or an answer was not the expected one (already counted).</exception>
    public async Task RunAsync(int i, CancellationToken cancellationToken)
    {
        var phone = customers.Phone(i);
        var userCode = customers.UserCode(i);

        // The customer gives up after their patience, whatever the server advises; each later step also ends when what
        // it carries (the SMS code, the temporary password, the ticket, the signing code) stops being valid.
        var patience = time.GetUtcNow() + settings.PatienceWindow;

        var started = await retry.CallAsync(prefix + "StartRecovery", patience, async () => await client.StartRecoveryAsync(
            customers.CardOf(i), SyntheticCustomers.CardExpiry, customers.Document(i),
            await CaptchaAnswer.ResolveAsync(client, settings.Captcha, cancellationToken).ConfigureAwait(false),
            cancellationToken: cancellationToken).ConfigureAwait(false), cancellationToken).ConfigureAwait(false);
        var code = (await WaitAsync("StartRecovery", phone, DevSinkTemplates.RecoveryCode, _ => true, cancellationToken).ConfigureAwait(false))
            .GetValue(DevSinkTemplates.CodeKey);

        var confirmed = await retry.CallAsync(prefix + "ConfirmRecovery", Until(patience, started.CodeExpireTime),
            () => client.ConfirmRecoveryAsync(started.RecoveryId, code, cancellationToken), cancellationToken).ConfigureAwait(false);

        // The user code is ours already (we provisioned it); only the temporary password must come from the sink.
        var temporary = (await WaitAsync("ConfirmRecovery", phone, DevSinkTemplates.RecoveryTemporaryPassword, _ => true, cancellationToken)
            .ConfigureAwait(false)).GetValue(DevSinkTemplates.TemporaryPasswordKey);

        var first = await retry.CallAsync(prefix + "Login (temporary)", Until(patience, confirmed.TemporaryPasswordExpireTime),
            () => client.LoginAsync(userCode, temporary, cancellationToken), cancellationToken).ConfigureAwait(false);
        Expect(first.ResultCase == LoginResponse.ResultOneofCase.PasswordChangeRequired, "Login (temporary)", $"answered {first.ResultCase}");

        var password = customers.NewPassword(i);
        var ticket = first.PasswordChangeRequired;
        var changed = await retry.CallAsync(prefix + "ChangePassword", Until(patience, ticket.ExpireTime), () => client.ChangePasswordAsync(
            ticket.ChangeTicket, temporary, password, password, cancellationToken: cancellationToken), cancellationToken).ConfigureAwait(false);
        var operation = changed.Operation;
        Expect(operation is not null, "ChangePassword", "returned no operation");

        var signingCode = (await WaitAsync("ChangePassword", phone, DevSinkTemplates.OperationCode,
            m => m.Values.GetValueOrDefault(DevSinkTemplates.ReferenceKey) == operation!.Reference, cancellationToken)
            .ConfigureAwait(false)).GetValue(DevSinkTemplates.CodeKey);
        var signed = await retry.CallAsync(prefix + "SignOperation", Until(patience, operation!.CodeExpireTime),
            () => client.SignOperationAsync(operation.OperationId, signingCode, cancellationToken), cancellationToken).ConfigureAwait(false);
        Expect(signed.State == OperationState.Signed, "SignOperation", $"answered state {signed.State}");

        var last = await retry.CallAsync(prefix + "Login (new)", patience,
            () => client.LoginAsync(userCode, password, cancellationToken), cancellationToken).ConfigureAwait(false);
        Expect(last.ResultCase == LoginResponse.ResultOneofCase.Session, "Login (new)", $"answered {last.ResultCase}");
    }

    // The server's clock says when a code or ticket expires; on loopback it is this machine's clock.
    private static DateTimeOffset Until(DateTimeOffset patience, Timestamp? expires) =>
        expires is null || expires.ToDateTimeOffset() > patience ? patience : expires.ToDateTimeOffset();

    private async Task<DevSinkMessage> WaitAsync(
        string after, string phone, string template, Func<DevSinkMessage, bool> match, CancellationToken cancellationToken)
    {
        // Timed like a call (latency_ms["dev sink: TEMPLATE"]): from the answer of the call that sent it to the message in
        // hand, the outbox's delivery and this reader's wake-up, a wait in which the flow's worker hashes nothing.
        var started = Stopwatch.GetTimestamp();
        try
        {
            var message = await sink.WaitAsync(phone, template, match, settings.SinkTimeout, cancellationToken).ConfigureAwait(false);
            outcomes.Record(prefix + SinkWaitPrefix + template, Stopwatch.GetElapsedTime(started));
            return message;
        }
        catch (TimeoutException ex)
        {
            outcomes.CountError(prefix + after, $"no '{template}' message in the dev sink");
            throw new BurstFlowException(ex.Message, ex);
        }
    }

    private void Expect(bool condition, string rpc, string what)
    {
        if (!condition)
        {
            outcomes.CountError(prefix + rpc, what);
            throw new BurstFlowException($"{rpc} {what}.");
        }
    }
}
