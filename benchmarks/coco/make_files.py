"""Writes a synthetic COCO ground-truth file and a detections file for the coco-eval side-by-side benchmark.

Seeded, so every run compares the same files: N images of 640x480, 10 categories, 1-12 objects per image
(some small, some large, a few crowd regions), and for each image detections made by jittering its objects
plus false positives, with scores that rank true detections mostly higher.
"""
import json
import random
import sys


def main(n_images, out_gt, out_dt, seed=0):
    rnd = random.Random(seed)
    images, anns, dets = [], [], []
    ann_id = 1
    for i in range(1, n_images + 1):
        images.append({"id": i, "file_name": "im%06d.jpg" % i, "width": 640, "height": 480})
        for _ in range(rnd.randint(1, 12)):
            w = rnd.choice([rnd.uniform(4, 30), rnd.uniform(30, 95), rnd.uniform(95, 300)])
            h = w * rnd.uniform(0.5, 2.0)
            x = rnd.uniform(0, 640 - min(w, 639))
            y = rnd.uniform(0, 480 - min(h, 479))
            w, h = min(w, 640 - x), min(h, 480 - y)
            cat = rnd.randint(1, 10)
            crowd = 1 if rnd.random() < 0.02 else 0
            anns.append({"id": ann_id, "image_id": i, "category_id": cat, "bbox": [x, y, w, h],
                         "area": w * h, "iscrowd": crowd})
            ann_id += 1
            if rnd.random() < 0.85:
                j = lambda v: v + rnd.gauss(0, 0.08 * max(w, h))
                dets.append({"image_id": i, "category_id": cat if rnd.random() < 0.9 else rnd.randint(1, 10),
                             "bbox": [j(x), j(y), max(1.0, w * rnd.uniform(0.8, 1.2)), max(1.0, h * rnd.uniform(0.8, 1.2))],
                             "score": round(rnd.uniform(0.3, 1.0), 4)})
        for _ in range(rnd.randint(0, 8)):
            w, h = rnd.uniform(5, 200), rnd.uniform(5, 200)
            dets.append({"image_id": i, "category_id": rnd.randint(1, 10),
                         "bbox": [rnd.uniform(0, 600), rnd.uniform(0, 440), w, h],
                         "score": round(rnd.uniform(0.0, 0.7), 4)})
    cats = [{"id": k, "name": "c%d" % k, "supercategory": "s"} for k in range(1, 11)]
    with open(out_gt, "w") as f:
        json.dump({"images": images, "annotations": anns, "categories": cats}, f)
    with open(out_dt, "w") as f:
        json.dump(dets, f)
    print("%d images, %d objects, %d detections" % (n_images, len(anns), len(dets)), file=sys.stderr)


if __name__ == "__main__":
    main(int(sys.argv[1]), sys.argv[2], sys.argv[3])
