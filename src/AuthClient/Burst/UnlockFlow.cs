using Recovery.V1;

namespace Recovery.Client.Burst;

/// <summary>
/// One customer's whole unlock: StartRecovery → ConfirmRecovery → Login (temporary) → ChangePassword →
/// SignOperation → Login (new). Codes come from the dev sink, matched by the customer's full phone (and the
/// operation's reference) because many flows write to the same sink at once. No retries: a failure ends the flow.
/// </summary>
internal sealed class UnlockFlow(RecoveryClient client, DevSinkReader sink, SyntheticCustomers customers, BurstSettings settings, RpcOutcomes outcomes)
{
    /// <summary>Runs customer <paramref name="i"/>'s flow to its end (a session opened with the new password).</summary>
    /// <exception cref="RecoveryClientException">A call failed (already counted).</exception>
    /// <exception cref="BurstFlowException">A message did not arrive or an answer was not the expected one (already counted).</exception>
    public async Task RunAsync(int i, CancellationToken cancellationToken)
    {
        var phone = customers.Phone(i);
        var userCode = customers.UserCode(i);

        var mark = sink.Mark();
        var captcha = await CaptchaAnswer.ResolveAsync(client, settings.Captcha, cancellationToken).ConfigureAwait(false);
        var started = await outcomes.TimeAsync("StartRecovery", () => client.StartRecoveryAsync(
            customers.CardOf(i), SyntheticCustomers.CardExpiry, customers.Document(i), captcha, cancellationToken: cancellationToken))
            .ConfigureAwait(false);
        var code = (await WaitAsync("StartRecovery", mark, DevSinkTemplates.RecoveryCode, m => m.To == phone, cancellationToken).ConfigureAwait(false))
            .GetValue(DevSinkTemplates.CodeKey);

        mark = sink.Mark();
        await outcomes.TimeAsync("ConfirmRecovery", () => client.ConfirmRecoveryAsync(started.RecoveryId, code, cancellationToken)).ConfigureAwait(false);

        // The user code is ours already (we provisioned it); only the temporary password must come from the sink.
        var temporary = (await WaitAsync("ConfirmRecovery", mark, DevSinkTemplates.RecoveryTemporaryPassword, m => m.To == phone, cancellationToken)
            .ConfigureAwait(false)).GetValue(DevSinkTemplates.TemporaryPasswordKey);

        var first = await outcomes.TimeAsync("Login (temporary)", () => client.LoginAsync(userCode, temporary, cancellationToken)).ConfigureAwait(false);
        Expect(first.ResultCase == LoginResponse.ResultOneofCase.PasswordChangeRequired, "Login (temporary)", $"answered {first.ResultCase}");

        var password = customers.NewPassword(i);
        mark = sink.Mark();
        var changed = await outcomes.TimeAsync("ChangePassword", () => client.ChangePasswordAsync(
            first.PasswordChangeRequired.ChangeTicket, temporary, password, password, cancellationToken: cancellationToken)).ConfigureAwait(false);
        var operation = changed.Operation;
        Expect(operation is not null, "ChangePassword", "returned no operation");

        var signingCode = (await WaitAsync("ChangePassword", mark, DevSinkTemplates.OperationCode,
            m => m.To == phone && m.Values.GetValueOrDefault(DevSinkTemplates.ReferenceKey) == operation!.Reference, cancellationToken)
            .ConfigureAwait(false)).GetValue(DevSinkTemplates.CodeKey);
        var signed = await outcomes.TimeAsync("SignOperation", () => client.SignOperationAsync(operation!.OperationId, signingCode, cancellationToken))
            .ConfigureAwait(false);
        Expect(signed.State == OperationState.Signed, "SignOperation", $"answered state {signed.State}");

        var last = await outcomes.TimeAsync("Login (new)", () => client.LoginAsync(userCode, password, cancellationToken)).ConfigureAwait(false);
        Expect(last.ResultCase == LoginResponse.ResultOneofCase.Session, "Login (new)", $"answered {last.ResultCase}");
    }

    private async Task<DevSinkMessage> WaitAsync(
        string after, long mark, string template, Func<DevSinkMessage, bool> match, CancellationToken cancellationToken)
    {
        try
        {
            return await sink.WaitForAsync(mark, template, match, settings.SinkTimeout, cancellationToken).ConfigureAwait(false);
        }
        catch (TimeoutException ex)
        {
            outcomes.CountError(after, $"no '{template}' message in the dev sink");
            throw new BurstFlowException(ex.Message, ex);
        }
    }

    private void Expect(bool condition, string rpc, string what)
    {
        if (!condition)
        {
            outcomes.CountError(rpc, what);
            throw new BurstFlowException($"{rpc} {what}.");
        }
    }
}
