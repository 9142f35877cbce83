using System.Runtime.InteropServices;
using System.Text.Json;
using MnistLeNet.Model;

namespace MnistLeNet.Handwriting;

/// <summary>A drawing pad for a trained LeNet: draw a digit and watch the ten probabilities change.</summary>
/// <remarks>All in the page (digit-pad.js, the weights embedded): no server, no kernel, works offline.</remarks>
[TypeFormatterSource(typeof(KernelFormatterSource), PreferredMimeTypes = ["text/html"])]
public sealed class DigitPad : INotebookHtml
{
    DigitPad(string html) => Html = html;

    public string Html { get; }

    /// <summary>A pad for <paramref name="model"/>, with a copy of its current weights.</summary>
    public static DigitPad Create(LeNet model) => new(Fragment(ModelJson(model), "mnl-pad-" + Guid.NewGuid().ToString("N")));

    /// <summary>A complete page around the pad.</summary>
    public string ToStandaloneHtml() =>
        "<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><meta name=\"viewport\" content=\"width=device-width\">" +
        "<title>LeNet drawing pad</title></head>\n<body style=\"font-family:sans-serif\">\n" + Html + "\n</body></html>\n";

    /// <summary>Writes <see cref="ToStandaloneHtml"/> to <paramref name="path"/> (complete or not at all) and returns its full path.</summary>
    public string SaveHtml(string path)
    {
        AtomicFile.Write(path, AtomicFile.Utf8(ToStandaloneHtml()));
        return Path.GetFullPath(path);
    }

    public override string ToString() => $"LeNet drawing pad ({Html.Length:N0} characters of HTML)";

    internal static string Script { get; } = ReadScript();

    /// <summary>{"activation": "Sigmoid", "parameters": {"conv1.weight": base64 of float32 little-endian, ...}}</summary>
    internal static string ModelJson(LeNet model)
    {
        var parameters = new Dictionary<string, string>();
        foreach (var (name, parameter) in model.named_parameters())
        {
            using var cpu = parameter.detach().cpu().contiguous();
            var values = cpu.data<float>().ToArray();
            parameters[name] = Convert.ToBase64String(MemoryMarshal.AsBytes(values.AsSpan())); // little-endian: every platform TorchSharp runs on
        }
        return JsonSerializer.Serialize(new { activation = model.Activation.ToString(), parameters });
    }

    static string ReadScript()
    {
        using var stream = typeof(DigitPad).Assembly.GetManifestResourceStream("MnistLeNet.Handwriting.digit-pad.js")
            ?? throw new InvalidOperationException("digit-pad.js is missing from the library's resources");
        return new StreamReader(stream).ReadToEnd();
    }

    static string Fragment(string modelJson, string id) => $$"""
        <div class="mnist-lenet-pad" id="{{id}}">
        <style>
          #{{id}} { display: flex; gap: 24px; align-items: flex-start; font-family: sans-serif; font-size: 14px; color: #222; }
          #{{id}} canvas.pad { width: 280px; height: 280px; border: 2px solid #888; border-radius: 6px; touch-action: none; cursor: crosshair; background: #fff; }
          #{{id}} canvas.input { width: 112px; height: 112px; border: 1px solid #ccc; image-rendering: pixelated; }
          #{{id}} .row { display: flex; align-items: center; gap: 6px; height: 22px; }
          #{{id}} .digit { width: 14px; font-weight: bold; text-align: right; }
          #{{id}} .track { width: 220px; height: 14px; background: #eee; border-radius: 3px; overflow: hidden; }
          #{{id}} .bar { height: 100%; width: 0; background: #7a9cc6; }
          #{{id}} .row.best .bar { background: #d9534f; }
          #{{id}} .value { width: 60px; font-variant-numeric: tabular-nums; }
          #{{id}} button { margin-top: 8px; font-size: 14px; }
        </style>
        <div>
          <canvas class="pad" width="280" height="280"></canvas><br>
          <button class="clear" type="button">Clear</button>
          <div class="status"></div>
        </div>
        <div>
          <div>What LeNet sees (28×28):</div>
          <canvas class="input" width="112" height="112"></canvas>
        </div>
        <div>
          {{string.Concat(Enumerable.Range(0, 10).Select(d => $"<div class=\"row\"><span class=\"digit\">{d}</span><span class=\"track\"><span class=\"bar\" style=\"display:block\"></span></span><span class=\"value\"></span></div>"))}}
        </div>
        <script type="text/javascript">(function () {
        {{Script}}
        MnistPad.attach(document.getElementById('{{id}}'), {{modelJson}});
        })();</script>
        </div>
        """;
}
