using Microsoft.Extensions.Options;
using Recovery.AuthServer.Notifications;
using Recovery.AuthServer.Notifications.Sms;

namespace Recovery.AuthServer.Storage.InMemory;

/// <summary>
/// The delivery records of one node, in memory (lost on restart, like the embedded outbox). One lock: records are
/// few and small, and every change is a handful of field writes.
/// </summary>
public sealed class InMemorySmsDeliveryStore(IOptions<SmsOptions> options, TimeProvider time) : ISmsDeliveryStore
{
    private readonly Lock gate = new();
    private readonly Dictionary<string, Entry> records = [];
    private readonly Dictionary<string, LinkedList<string>> byPhone = [];

    public Task<SmsDelivery> OpenAsync(string id, string phoneKey, Notification notification, DateTimeOffset now, CancellationToken cancellationToken)
    {
        lock (gate)
        {
            Sweep(now);
            if (!records.TryGetValue(id, out var entry))
            {
                entry = new Entry(notification.Template, phoneKey, now);
                records[id] = entry;
                if (!byPhone.TryGetValue(phoneKey, out var list))
                {
                    byPhone[phoneKey] = list = new LinkedList<string>();
                }

                list.AddFirst(id);
                while (list.Count > options.Value.RecentPerPhone)
                {
                    list.RemoveLast();
                }
            }

            entry.Copy = now < entry.CreatedAt + options.Value.FailoverWindow ? notification : null;
            return Task.FromResult(entry.Snapshot(id));
        }
    }

    public Task<bool> TryClaimAsync(string id, string provider, DateTimeOffset now, CancellationToken cancellationToken)
    {
        lock (gate)
        {
            if (!records.TryGetValue(id, out var entry) || !SmsDeliveryRules.MayClaim(entry.Attempt(provider)))
            {
                return Task.FromResult(false);
            }

            entry.SetAttempt(provider, SmsDeliveryState.Sending, now);
            entry.State = SmsDeliveryState.Pending;
            entry.Provider = provider;
            return Task.FromResult(true);
        }
    }

    public Task SettleAsync(string id, string provider, SmsDeliveryState outcome, DateTimeOffset now, CancellationToken cancellationToken)
    {
        lock (gate)
        {
            if (records.TryGetValue(id, out var entry) && entry.Attempt(provider) == SmsDeliveryState.Sending)
            {
                entry.SetAttempt(provider, outcome, now);
                if (outcome == SmsDeliveryState.Submitted)
                {
                    entry.State = SmsDeliveryState.Submitted;
                    entry.Provider = provider;
                }
            }
        }

        return Task.CompletedTask;
    }

    public Task CloseAsync(string id, SmsDeliveryState state, DateTimeOffset now, CancellationToken cancellationToken)
    {
        lock (gate)
        {
            if (records.TryGetValue(id, out var entry))
            {
                entry.State = state;
                entry.UpdatedAt = now;
                entry.Copy = null;
            }
        }

        return Task.CompletedTask;
    }

    public Task<SmsReportOutcome> ReportAsync(string id, string provider, SmsDeliveryState reported, DateTimeOffset now, CancellationToken cancellationToken)
    {
        lock (gate)
        {
            if (!records.TryGetValue(id, out var entry) || !SmsDeliveryRules.Accepts(entry.Attempt(provider), reported))
            {
                return Task.FromResult(SmsReportOutcome.Ignored);
            }

            entry.SetAttempt(provider, reported, now);
            Notification? moveOn = null;
            if (SmsDeliveryRules.Overall(entry.State, entry.Provider, provider, reported) is { } overall)
            {
                entry.State = overall;
                entry.Provider = provider;
                if (overall == SmsDeliveryState.Failed && entry.Copy is not null && now < entry.CreatedAt + options.Value.FailoverWindow)
                {
                    moveOn = entry.Copy;
                }

                // Handed on (the dispatcher keeps a new copy when it takes it again) or no longer needed.
                if (overall is SmsDeliveryState.Failed or SmsDeliveryState.Delivered)
                {
                    entry.Copy = null;
                }
            }

            return Task.FromResult(new SmsReportOutcome(true, moveOn));
        }
    }

    public Task<SmsDelivery?> GetAsync(string id, CancellationToken cancellationToken)
    {
        lock (gate)
        {
            Sweep(time.GetUtcNow());
            return Task.FromResult(records.TryGetValue(id, out var entry) ? entry.Snapshot(id) : null);
        }
    }

    public Task<IReadOnlyList<SmsDelivery>> RecentAsync(string phoneKey, CancellationToken cancellationToken)
    {
        lock (gate)
        {
            Sweep(time.GetUtcNow());
            IReadOnlyList<SmsDelivery> recent = byPhone.TryGetValue(phoneKey, out var list)
                ? list.Where(records.ContainsKey).Select(id => records[id].Snapshot(id)).ToList()
                : [];
            return Task.FromResult(recent);
        }
    }

    // Records older than the retention go, as their Redis keys expire; a copy outlives neither the window nor its record.
    private void Sweep(DateTimeOffset now)
    {
        foreach (var (id, entry) in records)
        {
            if (entry.UpdatedAt + options.Value.RecordRetention <= now)
            {
                records.Remove(id);
            }
            else if (entry.Copy is not null && entry.CreatedAt + options.Value.FailoverWindow <= now)
            {
                entry.Copy = null;
            }
        }

        foreach (var (phone, list) in byPhone)
        {
            for (var node = list.First; node is not null;)
            {
                var next = node.Next;
                if (!records.ContainsKey(node.Value))
                {
                    list.Remove(node);
                }

                node = next;
            }

            if (list.Count == 0)
            {
                byPhone.Remove(phone);
            }
        }
    }

    private sealed class Entry(string template, string phoneKey, DateTimeOffset createdAt)
    {
        private readonly List<SmsAttempt> attempts = [];

        public string Template { get; } = template;

        public string PhoneKey { get; } = phoneKey;

        public DateTimeOffset CreatedAt { get; } = createdAt;

        public DateTimeOffset UpdatedAt { get; set; } = createdAt;

        public SmsDeliveryState State { get; set; } = SmsDeliveryState.Pending;

        public string? Provider { get; set; }

        public Notification? Copy { get; set; }

        public SmsDeliveryState? Attempt(string provider) => attempts.FirstOrDefault(a => a.Provider == provider)?.State;

        public void SetAttempt(string provider, SmsDeliveryState state, DateTimeOffset at)
        {
            var index = attempts.FindIndex(a => a.Provider == provider);
            if (index < 0)
            {
                attempts.Add(new SmsAttempt(provider, state, at));
            }
            else
            {
                attempts[index] = new SmsAttempt(provider, state, at);
            }

            UpdatedAt = at;
        }

        public SmsDelivery Snapshot(string id) => new(id, Template, State, Provider, CreatedAt, UpdatedAt, attempts.ToList());
    }
}
