// The drawing pad (lib/MnistLeNet/Handwriting/DigitPad.cs puts this script into the page).
// Three parts, each checked against the C# side by the tests (DigitPadScriptTests):
//   prepare(rgba, width, height, centre): the same preprocessing as DigitImage.cs, step by step;
//   forward(net, input): LeNet's forward pass and softmax (LeNet.cs), with the weights embedded in the page;
//   attach(root, model): the canvas, the input preview and the probability bars.
// Plain JavaScript, no libraries, no server: the page works offline.
var MnistPad = (function () {
  'use strict';
  var SIZE = 28, BOX_SIDE = 20, WORKING_SIDE = 320, MIN_CONTRAST = 0.15, CENTRE = 14.0;

  function image(width, height, pixels) { return { width: width, height: height, pixels: pixels || new Float64Array(width * height) }; }

  // ---- preprocessing: DigitImage.FromRgba, line by line -------------------------------------------

  function prepare(rgba, width, height, centre) {
    if (centre === undefined) centre = true;
    var gray = grayscale(rgba, width, height);
    var longer = Math.max(width, height);
    if (longer > WORKING_SIDE)
      gray = resize(gray, Math.max(1, Math.floor(width * WORKING_SIDE / longer)), Math.max(1, Math.floor(height * WORKING_SIDE / longer)));

    var radius = Math.max(1, Math.floor(Math.max(gray.width, gray.height) / 10));
    var local = filter(gray, radius, MEAN);
    var skew = 0, i;
    for (i = 0; i < gray.pixels.length; i++) {
      var detail = gray.pixels[i] - local.pixels[i];
      skew += detail * detail * detail;
    }
    var inverted = skew < 0;
    var oriented = inverted ? image(gray.width, gray.height, gray.pixels.map(function (v) { return 1 - v; })) : gray;

    var background = filter(filter(oriented, radius, MIN), radius, MAX);
    var smooth = filter(oriented, 1, MEAN);
    var ink = image(gray.width, gray.height);
    var strongest = 0;
    for (i = 0; i < ink.pixels.length; i++) {
      ink.pixels[i] = Math.max(0, smooth.pixels[i] - background.pixels[i]);
      if (ink.pixels[i] > strongest) strongest = ink.pixels[i];
    }
    if (strongest < MIN_CONTRAST) return { noInk: true, gray: gray, inverted: inverted, oriented: oriented, background: background, ink: ink };
    var bins = new Int32Array(ink.pixels.length);
    for (i = 0; i < bins.length; i++) bins[i] = Math.min(255, Math.floor(ink.pixels[i] / strongest * 256));
    var thresholdBin = otsu(bins);
    var mask = image(gray.width, gray.height);
    for (i = 0; i < bins.length; i++) mask.pixels[i] = bins[i] > thresholdBin ? 1 : 0;

    var box = boundingBox(mask);
    var crop = cropped(mask, box);

    var side = Math.max(box.width, box.height);
    var scaled = resize(crop, Math.max(1, Math.floor((box.width * BOX_SIDE + Math.floor(side / 2)) / side)),
                              Math.max(1, Math.floor((box.height * BOX_SIDE + Math.floor(side / 2)) / side)));

    var com = centreOfMass(scaled);
    var left = centre ? place(CENTRE - com.x, scaled.width) : Math.floor((SIZE - scaled.width) / 2);
    var top = centre ? place(CENTRE - com.y, scaled.height) : Math.floor((SIZE - scaled.height) / 2);
    var digit = image(SIZE, SIZE);
    for (var y = 0; y < scaled.height; y++)
      for (var x = 0; x < scaled.width; x++)
        digit.pixels[(top + y) * SIZE + left + x] = scaled.pixels[y * scaled.width + x];

    return { noInk: false, gray: gray, inverted: inverted, oriented: oriented, background: background, ink: ink,
             threshold: (thresholdBin + 1) * strongest / 256, mask: mask, box: box, scaled: scaled, digit: digit };
  }

  function grayscale(rgba, width, height) {
    var pixels = new Float64Array(width * height);
    for (var i = 0; i < pixels.length; i++) {
      var alpha = rgba[4 * i + 3] / 255.0;
      var luminance = (0.299 * rgba[4 * i] + 0.587 * rgba[4 * i + 1] + 0.114 * rgba[4 * i + 2]) / 255.0;
      pixels[i] = alpha * luminance + (1 - alpha);
    }
    return image(width, height, pixels);
  }

  var MIN = 0, MAX = 1, MEAN = 2;

  function filter(img, r, kind) {
    return image(img.width, img.height, pass(pass(img.pixels, img.width, img.height, r, kind, true), img.width, img.height, r, kind, false));
  }

  function pass(pixels, w, h, r, kind, alongRows) {
    var result = new Float64Array(w * h);
    for (var y = 0; y < h; y++)
      for (var x = 0; x < w; x++) {
        var at = alongRows ? x : y, from = Math.max(0, at - r), to = Math.min((alongRows ? w : h) - 1, at + r);
        var e = kind === MEAN ? 0 : pixels[y * w + x];
        for (var k = from; k <= to; k++) {
          var v = alongRows ? pixels[y * w + k] : pixels[k * w + x];
          e = kind === MIN ? Math.min(e, v) : kind === MAX ? Math.max(e, v) : e + v;
        }
        result[y * w + x] = kind === MEAN ? e / (to - from + 1) : e;
      }
    return result;
  }

  function otsu(bins) {
    var histogram = new Float64Array(256), i;
    for (i = 0; i < bins.length; i++) histogram[bins[i]]++;
    var total = bins.length, sumAll = 0;
    for (i = 0; i < 256; i++) sumAll += i * histogram[i];
    var below = 0, sumBelow = 0, best = -1, threshold = 0;
    for (i = 0; i < 256; i++) {
      below += histogram[i];
      if (below === 0) continue;
      var above = total - below;
      if (above === 0) break;
      sumBelow += i * histogram[i];
      var difference = sumBelow / below - (sumAll - sumBelow) / above;
      var between = below * above * difference * difference;
      if (between > best) { best = between; threshold = i; }
    }
    return threshold;
  }

  function boundingBox(mask) {
    var left = mask.width, top = mask.height, right = -1, bottom = -1;
    for (var y = 0; y < mask.height; y++)
      for (var x = 0; x < mask.width; x++)
        if (mask.pixels[y * mask.width + x] > 0) {
          left = Math.min(left, x); top = Math.min(top, y); right = Math.max(right, x); bottom = Math.max(bottom, y);
        }
    return { x: left, y: top, width: right - left + 1, height: bottom - top + 1 };
  }

  function cropped(img, box) {
    var result = image(box.width, box.height);
    for (var y = 0; y < box.height; y++)
      for (var x = 0; x < box.width; x++) result.pixels[y * box.width + x] = img.pixels[(box.y + y) * img.width + box.x + x];
    return result;
  }

  function resize(img, width, height) {
    var rows = new Float64Array(width * img.height), result = new Float64Array(width * height);
    for (var y = 0; y < img.height; y++) resample(img.pixels, y * img.width, 1, img.width, rows, y * width, 1, width);
    for (var x = 0; x < width; x++) resample(rows, x, width, img.height, result, x, width, height);
    return image(width, height, result);
  }

  function resample(source, from, step, n, target, to, targetStep, m) {
    var scale = n / m;
    for (var j = 0; j < m; j++) {
      var start = j * scale, end = (j + 1) * scale, sum = 0;
      for (var i = Math.floor(start); i < end && i < n; i++)
        sum += source[from + i * step] * (Math.min(end, i + 1) - Math.max(start, i));
      target[to + j * targetStep] = sum / scale;
    }
  }

  function centreOfMass(img) {
    var mass = 0, x = 0, y = 0;
    for (var j = 0; j < img.height; j++)
      for (var i = 0; i < img.width; i++) {
        var v = img.pixels[j * img.width + i];
        mass += v; x += v * i; y += v * j;
      }
    return { x: x / mass, y: y / mass };
  }

  function place(shift, length) { return Math.min(Math.max(Math.floor(shift + 0.5), 0), SIZE - length); }

  // ---- LeNet: LeNet.forward, in plain loops ----------------------------------------------------------

  // model = { activation: "Sigmoid" | "ReLU", parameters: { "conv1.weight": base64 of float32 (little-endian), ... } }
  function decodeWeights(model) {
    var net = { activation: model.activation };
    for (var name in model.parameters) net[name] = floats(model.parameters[name]);
    return net;
  }

  function floats(base64) {
    var alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/', lookup = {}, i;
    for (i = 0; i < 64; i++) lookup[alphabet.charAt(i)] = i;
    var clean = base64.replace(/=+$/, ''), bytes = new Uint8Array(Math.floor(clean.length * 3 / 4)), n = 0, bits = 0, value = 0;
    for (i = 0; i < clean.length; i++) {
      value = (value << 6) | lookup[clean.charAt(i)]; bits += 6;
      if (bits >= 8) { bits -= 8; bytes[n++] = (value >> bits) & 255; }
    }
    var view = new DataView(bytes.buffer), result = new Float32Array(n / 4);
    for (i = 0; i < result.length; i++) result[i] = view.getFloat32(4 * i, true);
    return result;
  }

  // x: [c][h][w] flattened; weight: [outC][c][k][k]; returns [outC][h-k+1][w-k+1]
  function conv(x, c, h, w, weight, bias, outC, k) {
    var oh = h - k + 1, ow = w - k + 1, out = new Float64Array(outC * oh * ow);
    for (var o = 0; o < outC; o++)
      for (var y = 0; y < oh; y++)
        for (var xx = 0; xx < ow; xx++) {
          var sum = bias[o];
          for (var ci = 0; ci < c; ci++)
            for (var ky = 0; ky < k; ky++) {
              var wRow = ((o * c + ci) * k + ky) * k, xRow = (ci * h + y + ky) * w + xx;
              for (var kx = 0; kx < k; kx++) sum += weight[wRow + kx] * x[xRow + kx];
            }
          out[(o * oh + y) * ow + xx] = sum;
        }
    return out;
  }

  function pool(x, c, h, w) {   // 2×2 max pooling, stride 2
    var oh = h / 2, ow = w / 2, out = new Float64Array(c * oh * ow);
    for (var ci = 0; ci < c; ci++)
      for (var y = 0; y < oh; y++)
        for (var xx = 0; xx < ow; xx++) {
          var i = (ci * h + 2 * y) * w + 2 * xx;
          out[(ci * oh + y) * ow + xx] = Math.max(Math.max(x[i], x[i + 1]), Math.max(x[i + w], x[i + w + 1]));
        }
    return out;
  }

  function linear(x, weight, bias) {   // weight: [out][in]
    var n = x.length, out = new Float64Array(bias.length);
    for (var o = 0; o < bias.length; o++) {
      var sum = bias[o];
      for (var i = 0; i < n; i++) sum += weight[o * n + i] * x[i];
      out[o] = sum;
    }
    return out;
  }

  function apply(x, f) { for (var i = 0; i < x.length; i++) x[i] = f(x[i]); return x; }
  function sigmoid(v) { return 1 / (1 + Math.exp(-v)); }
  function relu(v) { return v > 0 ? v : 0; }

  function forward(net, input) {       // input: 784 values, row by row; returns 10 probabilities
    var x, n = net;
    if (net.activation === 'ReLU') {
      x = pool(apply(conv(input, 1, 28, 28, n['conv1.weight'], n['conv1.bias'], 6, 5), relu), 6, 24, 24);
      x = pool(apply(conv(x, 6, 12, 12, n['conv2.weight'], n['conv2.bias'], 16, 5), relu), 16, 8, 8);
      x = apply(conv(x, 16, 4, 4, n['conv3.weight'], n['conv3.bias'], 120, 4), relu);
      x = apply(linear(x, n['fc1.weight'], n['fc1.bias']), relu);
    } else {
      x = apply(pool(apply(conv(input, 1, 28, 28, n['conv1.weight'], n['conv1.bias'], 6, 5), sigmoid), 6, 24, 24), sigmoid);
      x = pool(conv(x, 6, 12, 12, n['conv2.weight'], n['conv2.bias'], 16, 5), 16, 8, 8);
      x = conv(x, 16, 4, 4, n['conv3.weight'], n['conv3.bias'], 120, 4);
      x = apply(linear(x, n['fc1.weight'], n['fc1.bias']), sigmoid);
    }
    var logits = linear(x, n['fc2.weight'], n['fc2.bias']);
    var largest = Math.max.apply(null, Array.prototype.slice.call(logits)), total = 0, p = [];
    for (var i = 0; i < logits.length; i++) { p.push(Math.exp(logits[i] - largest)); total += p[i]; }
    return p.map(function (v) { return v / total; });
  }

  // ---- the page: canvas, preview, bars -------------------------------------------------------------

  function attach(root, model) {
    var net = decodeWeights(model);
    var canvas = root.querySelector('canvas.pad'), preview = root.querySelector('canvas.input');
    var bars = root.querySelectorAll('.bar'), values = root.querySelectorAll('.value'), rows = root.querySelectorAll('.row');
    var status = root.querySelector('.status');
    var g = canvas.getContext('2d'), drawing = false, pending = false, last = null;

    function clear() {
      g.fillStyle = '#fff'; g.fillRect(0, 0, canvas.width, canvas.height);
      preview.getContext('2d').clearRect(0, 0, preview.width, preview.height);
      show(null, 'Draw a digit in the box.');
    }

    function show(p, message) {
      var best = p ? p.indexOf(Math.max.apply(null, p)) : -1;
      for (var d = 0; d < 10; d++) {
        bars[d].style.width = p ? (100 * p[d]).toFixed(1) + '%' : '0';
        values[d].textContent = p ? (100 * p[d]).toFixed(1) + ' %' : '';
        rows[d].className = d === best ? 'row best' : 'row';
      }
      status.textContent = message;
    }

    function update() {
      pending = false;
      var data = g.getImageData(0, 0, canvas.width, canvas.height).data;
      var result = prepare(data, canvas.width, canvas.height, true);
      if (result.noInk) { show(null, 'No ink yet: draw a digit in the box.'); return; }
      var p = forward(net, result.digit.pixels);
      var best = p.indexOf(Math.max.apply(null, p));
      show(p, 'LeNet reads a ' + best + ' (' + (100 * p[best]).toFixed(1) + ' %).');
      var pg = preview.getContext('2d'), cell = preview.width / 28;
      for (var i = 0; i < 784; i++) {
        var v = Math.round(255 * (1 - result.digit.pixels[i]));
        pg.fillStyle = 'rgb(' + v + ',' + v + ',' + v + ')';
        pg.fillRect((i % 28) * cell, Math.floor(i / 28) * cell, cell, cell);
      }
    }

    function schedule() { if (!pending) { pending = true; (window.requestAnimationFrame || setTimeout)(update); } }

    function point(e) {
      var r = canvas.getBoundingClientRect();
      return [(e.clientX - r.left) * canvas.width / r.width, (e.clientY - r.top) * canvas.height / r.height];
    }

    function line(a, b) {
      g.strokeStyle = '#000'; g.lineWidth = canvas.width / 14; g.lineCap = 'round'; g.lineJoin = 'round';
      g.beginPath(); g.moveTo(a[0], a[1]); g.lineTo(b[0], b[1]); g.stroke();
    }

    canvas.addEventListener('pointerdown', function (e) {
      drawing = true; last = point(e); line(last, last); canvas.setPointerCapture(e.pointerId); schedule(); e.preventDefault();
    });
    canvas.addEventListener('pointermove', function (e) {
      if (!drawing) return;
      var p = point(e); line(last, p); last = p; schedule(); e.preventDefault();
    });
    function stop() { drawing = false; schedule(); }
    canvas.addEventListener('pointerup', stop);
    canvas.addEventListener('pointercancel', stop);
    root.querySelector('button.clear').addEventListener('click', clear);

    // For scripts (and tests): draw strokes given as lists of [x, y] points in canvas pixels.
    root.mnistPad = {
      draw: function (strokes) {
        strokes.forEach(function (s) { for (var i = 0; i < s.length; i++) line(s[Math.max(0, i - 1)], s[i]); });
        update();
      },
      clear: clear,
    };
    clear();
  }

  return { prepare: prepare, forward: forward, decodeWeights: decodeWeights, attach: attach };
})();
