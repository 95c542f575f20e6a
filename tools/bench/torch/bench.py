"""PyTorch side of `npm run bench`: the same d2l models, shapes, batch, threads and
SGD step as cnnlab's benchmark; prints one JSON object per model."""
import argparse
import json
import time
import warnings

warnings.filterwarnings("ignore", message="Lazy modules")

import torch
from torch import nn


def lenet(bn=False):
    def act(c, dims):
        return [nn.BatchNorm2d(c) if dims == 4 else nn.BatchNorm1d(c), nn.Sigmoid()] if bn else [nn.Sigmoid()]
    return nn.Sequential(
        nn.Conv2d(1, 6, 5, padding=0 if bn else 2), *act(6, 4), nn.AvgPool2d(2, 2),
        nn.Conv2d(6, 16, 5), *act(16, 4), nn.AvgPool2d(2, 2), nn.Flatten(),
        nn.LazyLinear(120), *act(120, 2), nn.Linear(120, 84), *act(84, 2), nn.Linear(84, 10))


def alexnet():
    return nn.Sequential(
        nn.Conv2d(1, 96, 11, 4, 1), nn.ReLU(), nn.MaxPool2d(3, 2),
        nn.Conv2d(96, 256, 5, padding=2), nn.ReLU(), nn.MaxPool2d(3, 2),
        nn.Conv2d(256, 384, 3, padding=1), nn.ReLU(), nn.Conv2d(384, 384, 3, padding=1), nn.ReLU(),
        nn.Conv2d(384, 256, 3, padding=1), nn.ReLU(), nn.MaxPool2d(3, 2), nn.Flatten(),
        nn.LazyLinear(4096), nn.ReLU(), nn.Dropout(0.5), nn.Linear(4096, 4096), nn.ReLU(), nn.Dropout(0.5), nn.Linear(4096, 10))


def vgg11_d2l():
    layers, cin = [], 1
    for n, c in ((1, 16), (1, 32), (2, 64), (2, 128), (2, 128)):
        for _ in range(n):
            layers += [nn.Conv2d(cin, c, 3, padding=1), nn.ReLU()]
            cin = c
        layers.append(nn.MaxPool2d(2, 2))
    return nn.Sequential(*layers, nn.Flatten(), nn.LazyLinear(4096), nn.ReLU(), nn.Dropout(0.5),
                         nn.Linear(4096, 4096), nn.ReLU(), nn.Dropout(0.5), nn.Linear(4096, 10))


def nin():
    def block(cin, c, k, s, p):
        return [nn.Conv2d(cin, c, k, s, p), nn.ReLU(), nn.Conv2d(c, c, 1), nn.ReLU(), nn.Conv2d(c, c, 1), nn.ReLU()]
    return nn.Sequential(*block(1, 96, 11, 4, 0), nn.MaxPool2d(3, 2), *block(96, 256, 5, 1, 2), nn.MaxPool2d(3, 2),
                         *block(256, 384, 3, 1, 1), nn.MaxPool2d(3, 2), nn.Dropout(0.5), *block(384, 10, 3, 1, 1),
                         nn.AdaptiveAvgPool2d((1, 1)), nn.Flatten())


class Inception(nn.Module):
    def __init__(self, cin, c1, c2, c3, c4):
        super().__init__()
        self.b1 = nn.Sequential(nn.Conv2d(cin, c1, 1), nn.ReLU())
        self.b2 = nn.Sequential(nn.Conv2d(cin, c2[0], 1), nn.ReLU(), nn.Conv2d(c2[0], c2[1], 3, padding=1), nn.ReLU())
        self.b3 = nn.Sequential(nn.Conv2d(cin, c3[0], 1), nn.ReLU(), nn.Conv2d(c3[0], c3[1], 5, padding=2), nn.ReLU())
        self.b4 = nn.Sequential(nn.MaxPool2d(3, 1, 1), nn.Conv2d(cin, c4, 1), nn.ReLU())

    def forward(self, x):
        return torch.cat((self.b1(x), self.b2(x), self.b3(x), self.b4(x)), dim=1)


def googlenet():
    return nn.Sequential(
        nn.Conv2d(1, 64, 7, 2, 3), nn.ReLU(), nn.MaxPool2d(3, 2, 1),
        nn.Conv2d(64, 64, 1), nn.ReLU(), nn.Conv2d(64, 192, 3, padding=1), nn.ReLU(), nn.MaxPool2d(3, 2, 1),
        Inception(192, 64, (96, 128), (16, 32), 32), Inception(256, 128, (128, 192), (32, 96), 64), nn.MaxPool2d(3, 2, 1),
        Inception(480, 192, (96, 208), (16, 48), 64), Inception(512, 160, (112, 224), (24, 64), 64),
        Inception(512, 128, (128, 256), (24, 64), 64), Inception(512, 112, (144, 288), (32, 64), 64),
        Inception(528, 256, (160, 320), (32, 128), 128), nn.MaxPool2d(3, 2, 1),
        Inception(832, 256, (160, 320), (32, 128), 128), Inception(832, 384, (192, 384), (48, 128), 128),
        nn.AdaptiveAvgPool2d((1, 1)), nn.Flatten(), nn.Linear(1024, 10))


class Residual(nn.Module):
    def __init__(self, cin, c, use_1x1=False, stride=1):
        super().__init__()
        self.conv1 = nn.Conv2d(cin, c, 3, stride, 1)
        self.conv2 = nn.Conv2d(c, c, 3, padding=1)
        self.conv3 = nn.Conv2d(cin, c, 1, stride) if use_1x1 else None
        self.bn1, self.bn2 = nn.BatchNorm2d(c), nn.BatchNorm2d(c)

    def forward(self, x):
        y = self.bn2(self.conv2(torch.relu(self.bn1(self.conv1(x)))))
        return torch.relu(y + (self.conv3(x) if self.conv3 is not None else x))


def stem(c=64):
    return [nn.Conv2d(1, c, 7, 2, 3), nn.BatchNorm2d(c), nn.ReLU(), nn.MaxPool2d(3, 2, 1)]


def resnet18():
    layers, cin = stem(), 64
    for i, c in enumerate((64, 128, 256, 512)):
        layers += [Residual(cin, c, i > 0, 2 if i > 0 else 1), Residual(c, c)]
        cin = c
    return nn.Sequential(*layers, nn.AdaptiveAvgPool2d((1, 1)), nn.Flatten(), nn.Linear(512, 10))


class DenseBlock(nn.Module):
    def __init__(self, n, cin, growth):
        super().__init__()
        self.convs = nn.ModuleList(nn.Sequential(nn.BatchNorm2d(cin + i * growth), nn.ReLU(), nn.Conv2d(cin + i * growth, growth, 3, padding=1)) for i in range(n))

    def forward(self, x):
        for conv in self.convs:
            x = torch.cat((x, conv(x)), dim=1)
        return x


def densenet():
    layers, c = stem(), 64
    for i in range(4):
        layers.append(DenseBlock(4, c, 32))
        c += 4 * 32
        if i != 3:
            layers += [nn.BatchNorm2d(c), nn.ReLU(), nn.Conv2d(c, c // 2, 1), nn.AvgPool2d(2, 2)]
            c //= 2
    return nn.Sequential(*layers, nn.BatchNorm2d(c), nn.ReLU(), nn.AdaptiveAvgPool2d((1, 1)), nn.Flatten(), nn.Linear(c, 10))


class XBlock(nn.Module):
    def __init__(self, cin, c, group_width, bot_mul, use_1x1, stride):
        super().__init__()
        bot = round(c * bot_mul)
        self.body = nn.Sequential(
            nn.Conv2d(cin, bot, 1), nn.BatchNorm2d(bot), nn.ReLU(),
            nn.Conv2d(bot, bot, 3, stride, 1, groups=bot // group_width), nn.BatchNorm2d(bot), nn.ReLU(),
            nn.Conv2d(bot, c, 1), nn.BatchNorm2d(c))
        self.short = nn.Sequential(nn.Conv2d(cin, c, 1, stride), nn.BatchNorm2d(c)) if use_1x1 else None

    def forward(self, x):
        return torch.relu(self.body(x) + (self.short(x) if self.short is not None else x))


def regnetx32():
    layers, cin = [nn.Conv2d(1, 32, 3, 2, 1), nn.BatchNorm2d(32), nn.ReLU()], 32
    for depth, c in ((4, 32), (6, 80)):
        for i in range(depth):
            layers.append(XBlock(cin if i == 0 else c, c, 16, 1, i == 0, 2 if i == 0 else 1))
        cin = c
    return nn.Sequential(*layers, nn.AdaptiveAvgPool2d((1, 1)), nn.Flatten(), nn.Linear(cin, 10))


CLOCKS = {'wall': time.perf_counter, 'cpu': time.process_time}


def median_seconds(f, warmup, steps, clock=time.perf_counter):
    """Median time of `steps` calls of f after `warmup` untimed ones, on `clock` (wall, or the process's CPU time: all threads)."""
    for _ in range(warmup):
        f()
    times = []
    for _ in range(steps):
        start = clock()
        f()
        times.append(clock() - start)
    return sorted(times)[len(times) // 2]


MODELS = {
    'lenet': lambda: lenet(False), 'bn-lenet': lambda: lenet(True), 'alexnet': alexnet, 'vgg11-d2l': vgg11_d2l, 'nin': nin,
    'googlenet': googlenet, 'resnet18': resnet18, 'densenet': densenet, 'regnetx32': regnetx32,
}


def forward_flops(model, x):
    """FLOPs (2 per multiply-add) of one forward pass's convolutions and dense layers, per image."""
    total = [0]

    def hook(m, inputs, out):
        if isinstance(m, nn.Conv2d):
            total[0] += 2 * out.numel() * (m.in_channels // m.groups) * m.kernel_size[0] * m.kernel_size[1]
        elif isinstance(m, nn.Linear):
            total[0] += 2 * out.numel() * m.in_features
    handles = [m.register_forward_hook(hook) for m in model.modules() if isinstance(m, (nn.Conv2d, nn.Linear))]
    with torch.no_grad():
        model(x)
    for h in handles:
        h.remove()
    return total[0] / x.shape[0]


def measure(name, c, h, w, batch, steps, warmup, device='cpu', memory_format=torch.contiguous_format, clock='wall'):
    torch.manual_seed(0)
    model = MODELS[name]()
    x = torch.randn(batch, c, h, w)
    y = torch.arange(batch) % 10
    model(x)  # materialise lazy layers
    for m in model.modules():
        if isinstance(m, (nn.Conv2d, nn.Linear)):
            nn.init.xavier_uniform_(m.weight)
    model = model.to(device, memory_format=memory_format)
    x, y = x.to(device).contiguous(memory_format=memory_format), y.to(device)
    optimizer = torch.optim.SGD(model.parameters(), lr=0.01)
    loss_fn = nn.CrossEntropyLoss()

    def train():
        optimizer.zero_grad()
        loss = loss_fn(model(x), y)
        loss.backward()
        optimizer.step()
        loss.item()

    def infer():
        with torch.no_grad():
            model(x).sum().item()

    def time_it(f, training):
        model.train(training)
        return batch / median_seconds(f, warmup, steps, CLOCKS[clock])

    return {'train': time_it(train, True), 'infer': time_it(infer, False), 'params': sum(p.numel() for p in model.parameters()),
            'flops': forward_flops(model, x)}


FORMATS = {'nchw': torch.contiguous_format, 'channels_last': torch.channels_last}


def measure_formats(name, c, h, w, batch, steps, warmup, device, formats, clock='wall'):
    """Both memory formats (channels_last is PyTorch's own CPU advice); the result is the faster one per metric."""
    runs = {f: measure(name, c, h, w, batch, steps, warmup, device, FORMATS[f], clock) for f in formats}
    train_best = max(runs, key=lambda f: runs[f]['train'])
    infer_best = max(runs, key=lambda f: runs[f]['infer'])
    first = next(iter(runs.values()))
    return {'train': runs[train_best]['train'], 'infer': runs[infer_best]['infer'], 'trainFormat': train_best, 'inferFormat': infer_best,
            'formats': {f: {'train': r['train'], 'infer': r['infer']} for f, r in runs.items()}, 'params': first['params'], 'flops': first['flops']}


def main():
    p = argparse.ArgumentParser()
    p.add_argument('--model', required=True, choices=sorted(MODELS))
    p.add_argument('--input', required=True)
    p.add_argument('--batch', type=int, required=True)
    p.add_argument('--threads', type=int, default=1)
    p.add_argument('--steps', type=int, default=5)
    p.add_argument('--warmup', type=int, default=2)
    p.add_argument('--device', default='cpu', choices=['cpu', 'cuda'])
    p.add_argument('--memory-format', default='both', choices=['both', *FORMATS])
    p.add_argument('--clock', default='wall', choices=sorted(CLOCKS))
    a = p.parse_args()
    if a.device == 'cuda' and not torch.cuda.is_available():
        p.error('--device cuda: torch.cuda.is_available() is False')
    torch.set_num_threads(a.threads)
    c, h, w = (int(v) for v in a.input.split(','))
    formats = list(FORMATS) if a.memory_format == 'both' else [a.memory_format]
    result = measure_formats(a.model, c, h, w, a.batch, a.steps, a.warmup, a.device, formats, a.clock)
    result.update(torch=torch.__version__, threads=torch.get_num_threads(), device=a.device, clock=a.clock)
    print(json.dumps(result))


if __name__ == '__main__':
    main()
