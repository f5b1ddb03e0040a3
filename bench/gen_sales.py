"""gen_sales.py ROWS OUT.csv - a sales CSV in the import format for the benchmark:
ROWS lines over one year, 20,000 customers, the catalog bench/run creates."""
import random
import sys

rows = int(sys.argv[1])
random.seed(42)
customers = [f"客户{i:05d}" for i in range(20000)]
skus = [f"SKU-{i:02d}" for i in range(50)]
channels = ["direct", "distributor", "ecommerce", "partner", "retail", "telesales"]
reps = [f"rep{i:02d}" for i in range(20)]
days = [f"2026-{m:02d}-{d:02d}" for m in range(1, 13) for d in range(1, 29)]
with open(sys.argv[2], "w", encoding="utf-8", newline="") as f:
    w = f.write
    w("date,customer,product,channel,rep,quantity,unit_price,discount\n")
    rnd = random.random
    for i in range(rows):
        q = 1 + int(rnd() * 9)
        p = 1000 + int(rnd() * 90000)
        w(f"{days[int(rnd() * 336)]},{customers[int(rnd() * 20000)]},{skus[int(rnd() * 50)]},"
          f"{channels[int(rnd() * 6)]},{reps[int(rnd() * 20)]},{q},{p // 100}.{p % 100:02d},"
          f"{'0' if rnd() < 0.8 else '5.00'}\n")
