using Recovery.AuthServer.Common;

namespace Recovery.AuthServer.Customers;

/// <summary>The counts of an import, and its first rejections (capped so a bad file cannot blow up the answer).</summary>
public sealed class ImportTally
{
    /// <summary>Rejections listed in the answer; the count goes on past it.</summary>
    public const int MaxListedRejections = 100;

    private readonly List<ImportRejection> rejections = [];

    public int Imported { get; private set; }

    public int AlreadyExisting { get; private set; }

    public int Rejected { get; private set; }

    public IReadOnlyList<ImportRejection> Rejections => rejections;

    public void Add(int index, Outcome<string> outcome)
    {
        if (outcome.IsSuccess)
        {
            Imported++;
        }
        else if (outcome.Failure.Reason == ErrorReasons.CustomerExists)
        {
            AlreadyExisting++;
        }
        else
        {
            Rejected++;
            if (rejections.Count < MaxListedRejections)
            {
                rejections.Add(new ImportRejection(index, outcome.Failure.Reason,
                    outcome.Failure.Violations.Select(v => $"{v.Field}: {v.Description}").ToArray()));
            }
        }
    }
}
