"""Peak memory of the models stage (sql/) on one article of many entities, bounded or not.

`newslake run` on one long article spends most of its memory in extraction (see
bench/long_article.py); this isolates the stage `cooccurrence_top_entities` bounds. Its
input is the `articles` and `entity_mentions` of a lake of real news (e.g. the Reuters
lake `bench/throughput.py --work DIR` leaves in DIR/lake-full): the mentions of the first
articles whose bodies add up to --sizes bytes are made one article's, as if their texts
were one long article, and every model of sql/ is built over them (`derived.build.run_models`)
in a process of its own, once with the bound (the setting's default) and once without it
(every pair, as before the bound; only up to --unbounded-upto bytes, for it grows with
the square of the entities). Printed: entities, pairs, seconds, the process's RSS
once its input is loaded and its peak RSS.

    .venv/bin/python bench/cooccurrence_bound.py LAKE [--sizes 2000,1000000,5000000] [--unbounded-upto 1000000]
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

ONE = """
import json, resource, sys, time
import duckdb, pyarrow as pa
sys.path.insert(0, sys.argv[1])
from newslake import schema
from newslake.derived.build import run_models
lake, size, k = sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
con = duckdb.connect()
chosen = con.execute(f'''
    select article_id from (
        select article_id, sum(strlen(body)) over (order by source_uri, article_id) - strlen(body) as before
        from read_parquet('{lake}/articles/**/*.parquet', hive_partitioning = false) where duplicate_of is null)
    where before < {size}''').fetchall()
ids = [r[0] for r in chosen]
one = ids[0]
con.register('ids', pa.table({'article_id': ids}))
articles = con.execute(f"select * from read_parquet('{lake}/articles/**/*.parquet', hive_partitioning = false) where article_id = ?", [one]).to_arrow_table()
mentions = con.execute(f'''select * replace (? as article_id) from read_parquet('{lake}/entity_mentions/**/*.parquet', hive_partitioning = false)
    where article_id in (select article_id from ids)''', [one]).to_arrow_table()
tables = {'articles': schema.to_table(articles.to_pylist(), schema.ARTICLES),
          'entity_mentions': schema.to_table(mentions.to_pylist(), schema.ENTITY_MENTIONS),
          'date_mentions': schema.DATE_MENTIONS.empty_table()}
con.close()
before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
start = time.perf_counter()
from pathlib import Path
built = run_models(tables, Path(sys.argv[5]), top_entities=k)
print(json.dumps({'articles': len(ids), 'mentions': mentions.num_rows, 'entities': built['article_entities'].num_rows,
                  'pairs': built['entity_cooccurrence'].num_rows, 'seconds': time.perf_counter() - start,
                  'input_rss_mib': before / 1024, 'peak_rss_mib': resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))
"""


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("lake", type=Path, help="a lake (or a version folder) with articles and entity_mentions of real news")
    parser.add_argument("--sizes", default="2000,1000000,5000000", help="article sizes in body bytes, comma-separated")
    parser.add_argument("--unbounded-upto", type=int, default=1_000_000, help="largest size also built without the bound")
    args = parser.parse_args()
    from newslake.derived.build import TOP_ENTITIES

    folder = args.lake / "published" / "current" if (args.lake / "published").is_dir() else args.lake
    rows = []
    for size in (int(s) for s in args.sizes.split(",")):
        for k in (TOP_ENTITIES, 10**9):
            if k != TOP_ENTITIES and size > args.unbounded_upto:
                continue
            print(f"{size:,} bytes, top_entities={'all' if k == 10**9 else k} ...", file=sys.stderr, flush=True)
            out = subprocess.run([sys.executable, "-c", ONE, str(REPO), str(folder.resolve()), str(size), str(k), str(REPO / "sql")],
                                 capture_output=True, text=True)
            if out.returncode:
                raise SystemExit(out.stderr[-3000:])
            rows.append({"size": size, "k": "all" if k == 10**9 else str(k), **json.loads(out.stdout.strip().splitlines()[-1])})
    print(f"{'body bytes':>11} {'articles':>9} {'mentions':>9} {'entities':>9} {'K':>4} {'pairs':>11} {'models s':>9} {'RSS before MiB':>15} {'peak RSS MiB':>13}")
    for r in rows:
        print(f"{r['size']:>11,} {r['articles']:>9,} {r['mentions']:>9,} {r['entities']:>9,} {r['k']:>4} {r['pairs']:>11,}"
              f" {r['seconds']:>9.1f} {r['input_rss_mib']:>15,.0f} {r['peak_rss_mib']:>13,.0f}")
    print(f"\ncommand: .venv/bin/python bench/cooccurrence_bound.py {args.lake} --sizes {args.sizes} --unbounded-upto {args.unbounded_upto}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
