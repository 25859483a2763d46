using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using Hl7.Fhir.Model;
using Hl7.Fhir.Serialization;

namespace Samjournal.Tests.Messaging;

/// <summary>
/// A receiver's message endpoint that is not Samjournal: an HTTP listener on 127.0.0.1 that answers
/// every POST with <see cref="Status"/> and keeps what it got. It never sends receipts by itself,
/// so a test decides whether one comes.
/// </summary>
public sealed class FakeReceiver : IDisposable
{
    private readonly HttpListener _listener = new();
    private readonly CancellationTokenSource _stop = new();

    public FakeReceiver()
    {
        using (var probe = new TcpListener(IPAddress.Loopback, 0))
        {
            probe.Start();
            Address = $"http://127.0.0.1:{((IPEndPoint)probe.LocalEndpoint).Port}/fhir";
        }

        _listener.Prefixes.Add(Address + "/");
        _listener.Start();
        _ = System.Threading.Tasks.Task.Run(ServeAsync);
    }

    /// <summary>The FHIR base the directory's Endpoint names.</summary>
    public string Address { get; }

    public HttpStatusCode Status { get; set; } = HttpStatusCode.Accepted;

    /// <summary>Every message received: path, Authorization header, and the Bundle.</summary>
    public ConcurrentQueue<(string Path, string? Authorization, Bundle Message)> Received { get; } = new();

    public void Dispose()
    {
        _stop.Cancel();
        _listener.Close();
    }

    private async System.Threading.Tasks.Task ServeAsync()
    {
        var parser = new FhirJsonDeserializer();
        while (!_stop.IsCancellationRequested)
        {
            HttpListenerContext context;
            try
            {
                context = await _listener.GetContextAsync();
            }
            catch (Exception) when (_stop.IsCancellationRequested)
            {
                return;
            }
            catch (HttpListenerException)
            {
                return;
            }

            using var reader = new StreamReader(context.Request.InputStream);
            var body = await reader.ReadToEndAsync();
            Received.Enqueue((context.Request.Url!.AbsolutePath, context.Request.Headers["Authorization"], parser.Deserialize<Bundle>(body)));
            context.Response.StatusCode = (int)Status;
            context.Response.ContentType = "application/fhir+json";
            var answer = System.Text.Encoding.UTF8.GetBytes("{\"resourceType\":\"OperationOutcome\",\"issue\":[{\"severity\":\"information\",\"code\":\"informational\",\"diagnostics\":\"Mottatt i testmottaker.\"}]}");
            await context.Response.OutputStream.WriteAsync(answer);
            context.Response.Close();
        }
    }
}
