namespace Samjournal.Bench;

/// <summary>
/// What has been loaded, for drawing query values: every Patient id and the facts of every loaded
/// patient, and a uniform sample of all (type, id) pairs for read by id. At 100 times the Synthea
/// volume all ids would take about a gigabyte in this process; a reservoir keeps a fixed-size sample
/// that stays uniform over everything loaded so far.
/// </summary>
internal sealed class LoadedData
{
    private const int ReadSampleSize = 200_000;

    private readonly Lock _gate = new();
    private readonly List<(string Type, string Id)> _readSample = [];
    private readonly List<string> _patientIds = [];
    private readonly List<PatientFacts> _patients = [];
    private readonly Random _random = new(20240611);
    private long _seen;

    public IReadOnlyList<(string System, string Code)> ObservationCodes { get; init; } = [];

    public long ResourcesLoaded { get { lock (_gate) { return _seen; } } }

    public void AddCreated(IEnumerable<(string Type, string Id)> created, PatientFacts? patient)
    {
        lock (_gate)
        {
            foreach (var item in created)
            {
                _seen++;
                if (item.Type == "Patient")
                {
                    _patientIds.Add(item.Id);
                }

                if (_readSample.Count < ReadSampleSize)
                {
                    _readSample.Add(item);
                }
                else if (_random.NextInt64(_seen) is var slot && slot < ReadSampleSize)
                {
                    _readSample[(int)slot] = item;
                }
            }

            if (patient is not null)
            {
                _patients.Add(patient);
            }
        }
    }

    /// <summary>A frozen copy, so query runs draw from a fixed set while nothing is being loaded.</summary>
    public QueryValues Snapshot()
    {
        lock (_gate)
        {
            return new QueryValues([.. _readSample], [.. _patientIds], [.. _patients], ObservationCodes);
        }
    }
}

/// <summary>The values the queries draw from (see <see cref="LoadedData"/>).</summary>
internal sealed record QueryValues(
    IReadOnlyList<(string Type, string Id)> ReadIds,
    IReadOnlyList<string> PatientIds,
    IReadOnlyList<PatientFacts> Patients,
    IReadOnlyList<(string System, string Code)> ObservationCodes);
