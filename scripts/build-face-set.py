"""A doodle set where a 'face' moves over a still background (docs/network.md, "Parts that move on
their own"): an ellipse of the keyframe and of its painting (the middle 54 % × 72 %) is shifted by up
to 6 % and turned by up to 5° inside its moved outline; the rest stays. Same layout as a doodle set
(key.png, painting.png, strokes.png, input/, truth/, strokes/), so scripts/doodle-eval.ts scores it.
usage: python3 scripts/build-face-set.py DOODLE_SET_DIR OUT_DIR [SEED]"""
import os, sys, cv2, numpy as np
src, out = sys.argv[1:3]
rng = np.random.default_rng(int(sys.argv[3]) if len(sys.argv) > 3 else 1)
key = cv2.imread(os.path.join(src, 'key.png')); paint = cv2.imread(os.path.join(src, 'painting.png'))
strokes = cv2.imread(os.path.join(src, 'strokes.png'), 0)
h, w = key.shape[:2]
for sub in ['input', 'truth', 'strokes']: os.makedirs(os.path.join(out, sub), exist_ok=True)
cv2.imwrite(os.path.join(out, 'key.png'), key); cv2.imwrite(os.path.join(out, 'painting.png'), paint); cv2.imwrite(os.path.join(out, 'strokes.png'), strokes)
cx, cy, rx, ry = w * 0.5, h * 0.5, w * 0.27, h * 0.36
yy, xx = np.mgrid[0:h, 0:w]
for k in range(10):
    dx, dy = rng.uniform(-1, 1, 2) * [w * 0.06, h * 0.06]
    angle = rng.uniform(-5, 5)
    m = cv2.getRotationMatrix2D((cx, cy), angle, 1.0); m[:, 2] += [dx, dy]
    inside = (((xx - cx - dx) / rx) ** 2 + ((yy - cy - dy) / ry) ** 2) < 1
    def comp(img, interp=cv2.INTER_LINEAR):
        moved = cv2.warpAffine(img, m, (w, h), flags=interp, borderMode=cv2.BORDER_REPLICATE)
        res = img.copy(); res[inside] = moved[inside]; return res
    cv2.imwrite(os.path.join(out, 'input', f'{k:02d}.png'), comp(key))
    cv2.imwrite(os.path.join(out, 'truth', f'{k:02d}.png'), comp(paint))
    cv2.imwrite(os.path.join(out, 'strokes', f'{k:02d}.png'), comp(strokes, cv2.INTER_NEAREST))
print(out, w, h)
